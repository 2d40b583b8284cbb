import PipelineConfig

/// Turns the pipeline configuration into the Kubernetes manifests of the stream app, laid out for Kustomize:
/// `base/`, `overlays/<name>/`, `loadtest/` and a `README.md` on how to apply them. Pure and deterministic: the
/// same configuration always gives byte-identical files.
public struct ManifestGenerator: Sendable {
    public let configuration: PipelineConfiguration
    /// The configuration file as written, carried verbatim by the ConfigMap the pods read.
    public let configurationText: String
    /// Named in every file's header; a base name, so that output does not depend on where the file lives.
    public let configurationName: String

    public init(configuration: PipelineConfiguration, configurationText: String, configurationName: String) {
        self.configuration = configuration
        self.configurationText = configurationText
        self.configurationName = configurationName
    }

    /// Every file, in a fixed order.
    public func files() -> [ManifestFile] {
        var base: [(String, ManifestFile.Kind, KubernetesYAMLNode)] = [
            ("namespace.yaml", .object, namespace()),
            ("serviceaccount.yaml", .object, serviceAccount()),
            ("configmap.yaml", .object, configMap()),
            ("deployment.yaml", .object, streamAppDeployment()),
            ("service.yaml", .object, metricsService()),
            ("poddisruptionbudget.yaml", .object, podDisruptionBudget()),
        ]
        if kubernetes.keda.enabled {
            base.append(("keda-scaledobject.yaml", .customObject, scaledObject()))
            if kubernetes.keda.saslPlain {
                base.append(("keda-triggerauthentication.yaml", .customObject, triggerAuthentication()))
            }
        } else if kubernetes.autoscaling.enabled {
            base.append(("horizontalpodautoscaler.yaml", .object, horizontalPodAutoscaler()))
        }
        if kubernetes.tfServing.enabled {
            base.append(("tf-serving-deployment.yaml", .object, tfServingDeployment()))
            base.append(("tf-serving-service.yaml", .object, tfServingService()))
        }
        if kubernetes.networkPolicy.enabled {
            base.append(("networkpolicy.yaml", .object, streamAppNetworkPolicy()))
            if kubernetes.tfServing.enabled {
                base.append(("tf-serving-networkpolicy.yaml", .object, tfServingNetworkPolicy()))
            }
        }

        var files = base.map { name, kind, node in yamlFile("base/\(name)", kind, node) }
        files.append(yamlFile("base/kustomization.yaml", .kustomization, kustomization(resources: base.map(\.0))))
        for overlay in kubernetes.overlays {
            let patches = overlayPatches(overlay)
            files += patches.map { name, node in yamlFile("overlays/\(overlay.name)/\(name)", .patch, node) }
            files.append(
                yamlFile(
                    "overlays/\(overlay.name)/kustomization.yaml", .kustomization,
                    kustomization(resources: ["../../base"], patches: patches.map(\.0))))
        }
        var loadTest = [("job.yaml", loadTestJob())]
        if kubernetes.networkPolicy.enabled { loadTest.append(("networkpolicy.yaml", loadTestNetworkPolicy())) }
        files += loadTest.map { name, node in yamlFile("loadtest/\(name)", .standaloneObject, node) }
        files.append(
            yamlFile("loadtest/kustomization.yaml", .kustomization, kustomization(resources: loadTest.map(\.0))))
        files.append(ManifestFile(path: "README.md", kind: .documentation, contents: readme(baseFiles: base.map(\.0))))
        return files
    }

    /// The base's objects as one multi-document YAML stream, for `kubectl apply -f -`.
    public func multiDocumentYAML() -> String {
        files().filter { $0.kind == .object || $0.kind == .customObject }.map(\.contents).joined(separator: "---\n")
    }

    var kubernetes: KubernetesSettings { configuration.kubernetes }

    private func yamlFile(_ path: String, _ kind: ManifestFile.Kind, _ node: KubernetesYAMLNode) -> ManifestFile {
        ManifestFile(path: path, kind: kind, contents: header + node.yaml)
    }

    private var header: String {
        "# \(ManifestFile.generatedMarker) from \(configurationName). Change that file and run manifest-gen; "
            + "do not edit this one.\n"
    }
}

// MARK: - Shared pieces

extension ManifestGenerator {
    static let streamAppName = "inference-app"
    static let tfServingName = "tf-serving"
    static let loadTestName = "image-loadgen"
    static let configurationDirectory = "/etc/image-pipeline"
    static let googleKeyDirectory = "/var/run/secrets/google"
    static let googleKeyFileName = "google-application-credentials.json"
    static let kafkaKeyDirectory = "/var/run/secrets/kafka"
    static let userID = 10001
    static let tfServingRESTPort = 8501
    static let tfServingGRPCPort = 8500

    var configurationPath: String { "\(Self.configurationDirectory)/pipeline.yaml" }

    /// Selector labels: fixed for a component's whole life, since a Deployment's selector cannot change.
    func selectorLabels(_ name: String) -> KubernetesYAMLNode {
        ["app.kubernetes.io/name": .string(name), "app.kubernetes.io/part-of": "image-pipeline"]
    }

    func labels(_ name: String, component: String) -> KubernetesYAMLNode {
        [
            "app.kubernetes.io/name": .string(name), "app.kubernetes.io/part-of": "image-pipeline",
            "app.kubernetes.io/component": .string(component), "app.kubernetes.io/managed-by": "manifest-gen",
        ]
    }

    func metadata(_ name: String, component: String) -> KubernetesYAMLNode {
        ["name": .string(name), "namespace": .string(kubernetes.namespace), "labels": labels(name, component: component)]
    }

    /// What the `restricted` Pod Security Standard asks of a pod, which the namespace enforces.
    var podSecurityContext: KubernetesYAMLNode {
        [
            "runAsNonRoot": true, "runAsUser": .integer(Self.userID), "runAsGroup": .integer(Self.userID),
            "fsGroup": .integer(Self.userID), "seccompProfile": ["type": "RuntimeDefault"],
        ]
    }

    var containerSecurityContext: KubernetesYAMLNode {
        [
            "allowPrivilegeEscalation": false, "readOnlyRootFilesystem": true, "runAsNonRoot": true,
            "capabilities": ["drop": ["ALL"]], "seccompProfile": ["type": "RuntimeDefault"],
        ]
    }

    func resources(_ settings: ResourceSettings) -> KubernetesYAMLNode {
        [
            "requests": ["cpu": .string(settings.cpuRequest), "memory": .string(settings.memoryRequest)],
            "limits": ["cpu": .string(settings.cpuLimit), "memory": .string(settings.memoryLimit)],
        ]
    }

    func httpProbe(path: String, port: String, periodSeconds: Int, failureThreshold: Int) -> KubernetesYAMLNode {
        [
            "httpGet": ["path": .string(path), "port": .string(port)], "periodSeconds": .integer(periodSeconds),
            "timeoutSeconds": 2, "failureThreshold": .integer(failureThreshold),
        ]
    }

    /// Kafka credentials by reference to the Secret, never by value. The API key is optional so that one Secret
    /// serves both Confluent Cloud and a Kafka without SASL. The brokers are required unless the configuration names
    /// them: without either, the tools would quietly start an embedded cluster inside the pod.
    var kafkaEnvironment: [KubernetesYAMLNode] {
        let keys = ["KAFKA_API_KEY", "KAFKA_API_SECRET"]
        var fromSecret = [("KAFKA_BOOTSTRAP_SERVERS", brokersConfigured)]
        var fileVariables: [KubernetesYAMLNode] = []
        switch kubernetes.kafkaCredentials {
        case .env: fromSecret += keys.map { ($0, true) }
        case .file:
            fileVariables = keys.map { ["name": .string("\($0)_FILE"), "value": .string("\(Self.kafkaKeyDirectory)/\($0)")] }
        }
        return fromSecret.map {
            variable, optional in
            [
                "name": .string(variable),
                "valueFrom": [
                    "secretKeyRef": [
                        "name": .string(kubernetes.credentialsSecretName), "key": .string(variable), "optional": .boolean(optional),
                    ]
                ],
            ]
        } + fileVariables
    }

    /// With `kafka_credentials: file`, the API key and secret as files; optional, like the variables, for a Kafka
    /// without SASL.
    var kafkaKeyVolumes: [KubernetesYAMLNode] {
        guard kubernetes.kafkaCredentials == .file else { return [] }
        return [[
            "name": "kafka-credentials",
            "secret": [
                "secretName": .string(kubernetes.credentialsSecretName), "optional": true,
                "items": [
                    ["key": "KAFKA_API_KEY", "path": "KAFKA_API_KEY"], ["key": "KAFKA_API_SECRET", "path": "KAFKA_API_SECRET"],
                ],
                "defaultMode": 0o440,
            ],
        ]]
    }

    var kafkaKeyMounts: [KubernetesYAMLNode] {
        guard kubernetes.kafkaCredentials == .file else { return [] }
        return [["name": "kafka-credentials", "mountPath": .string(Self.kafkaKeyDirectory), "readOnly": true]]
    }

    var brokersConfigured: Bool { !(configuration.kafka.bootstrapServers ?? "").isEmpty }

    /// With the API key in files, the one variable still read from the Secret is the brokers' address, which is
    /// not a credential (and KEDA reads it from the container's environment); checkov's CKV_K8S_35 is told so
    /// on the object. With `kafka_credentials: env` the check runs and flags the key, as it should.
    var podAnnotationsForScanners: [(String, KubernetesYAMLNode)] {
        guard kubernetes.kafkaCredentials == .file else { return [] }
        return [
            ("checkov.io/skip1", "CKV_K8S_35=KAFKA_BOOTSTRAP_SERVERS is an address, not a credential; the API key and secret are files")
        ]
    }

    /// `metadata(_:component:)` plus the scanner annotations of a workload that reads the Kafka Secret.
    func scannedMetadata(_ name: String, component: String) -> KubernetesYAMLNode {
        var node = metadata(name, component: component)
        let annotations = podAnnotationsForScanners
        if !annotations.isEmpty { node.append("annotations", .mapping(annotations)) }
        return node
    }

    /// `Always` for an image pinned by tag, which a registry lets anyone re-push; a digest cannot change.
    func imagePullPolicy(_ image: String) -> KubernetesYAMLNode {
        image.contains("@sha256:") ? "IfNotPresent" : "Always"
    }

    /// Settings that generate valid manifests but would not work in a cluster, to be told to the user.
    public var warnings: [String] {
        var warnings: [String] = []
        let app = configuration.streamApp
        if app.modelBackend == .tfServing, !kubernetes.tfServing.enabled,
            ["127.0.0.1", "localhost", "[::1]"].contains(where: { app.modelURL.contains("//\($0)") })
        {
            warnings.append(
                "stream_app.model_url (\(app.modelURL)) is a loopback address, where nothing serves the model inside a "
                    + "pod; set kubernetes.tf_serving.enabled or point model_url at your model server")
        }
        if let partitions = loadTopicPartitions, configuration.load.workers > partitions {
            warnings.append(
                "load.workers (\(configuration.load.workers)) is more than the \(partitions) partitions of \(configuration.load.topic): "
                    + "the load test runs \(partitions) workers, each sending rate/\(partitions); add partitions for more")
        }
        return warnings
    }

    var googleKeyEnvironment: KubernetesYAMLNode {
        ["name": "GOOGLE_APPLICATION_CREDENTIALS", "value": .string("\(Self.googleKeyDirectory)/\(Self.googleKeyFileName)")]
    }

    var googleKeyVolume: KubernetesYAMLNode {
        [
            "name": "google-credentials",
            "secret": [
                "secretName": .string(kubernetes.credentialsSecretName),
                "items": [["key": .string(Self.googleKeyFileName), "path": .string(Self.googleKeyFileName)]],
                "defaultMode": 0o440,
            ],
        ]
    }

    var googleKeyMount: KubernetesYAMLNode {
        ["name": "google-credentials", "mountPath": .string(Self.googleKeyDirectory), "readOnly": true]
    }

    var configurationVolume: KubernetesYAMLNode {
        ["name": "pipeline-config", "configMap": ["name": "pipeline-config"]]
    }

    var configurationMount: KubernetesYAMLNode {
        ["name": "pipeline-config", "mountPath": .string(Self.configurationDirectory), "readOnly": true]
    }

    /// The root filesystem is read-only; /tmp is the one writable place.
    var temporaryVolume: KubernetesYAMLNode { ["name": "tmp", "emptyDir": ["sizeLimit": "64Mi"]] }
    var temporaryMount: KubernetesYAMLNode { ["name": "tmp", "mountPath": "/tmp"] }

    func seconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return Int(seconds) + (attoseconds > 0 ? 1 : 0)
    }

    /// Spreads replicas over zones, then nodes, so that losing one takes out as few consumers as possible; a
    /// preference rather than a rule, so that a small or single-zone cluster still schedules every pod.
    /// For a Deployment, `pod-template-hash` keeps old and new pods of a rollout from counting against each other.
    func topologySpread(_ name: String, keys: [String], isDeployment: Bool) -> KubernetesYAMLNode {
        .sequence(
            keys.map { key in
                var constraint: KubernetesYAMLNode = [
                    "maxSkew": 1, "topologyKey": .string(key), "whenUnsatisfiable": "ScheduleAnyway",
                    "labelSelector": ["matchLabels": selectorLabels(name)],
                ]
                if isDeployment { constraint.append("matchLabelKeys", ["pod-template-hash"]) }
                return constraint
            })
    }

    static let zoneKey = "topology.kubernetes.io/zone"
    static let hostKey = "kubernetes.io/hostname"
}
