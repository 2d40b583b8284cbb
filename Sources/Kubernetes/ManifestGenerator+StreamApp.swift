import PipelineConfig

/// The stream app: its namespace, identity, configuration, Deployment, metrics Service, disruption budget and
/// autoscaler.
extension ManifestGenerator {
    func namespace() -> KubernetesYAMLNode {
        [
            "apiVersion": "v1", "kind": "Namespace",
            "metadata": [
                "name": .string(kubernetes.namespace),
                // The API server then refuses any pod of the namespace that is not locked down.
                "labels": [
                    "app.kubernetes.io/part-of": "image-pipeline", "app.kubernetes.io/managed-by": "manifest-gen",
                    "pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/warn": "restricted",
                ],
            ],
        ]
    }

    /// The app calls no Kubernetes API, so it gets its own account without a token.
    func serviceAccount() -> KubernetesYAMLNode {
        [
            "apiVersion": "v1", "kind": "ServiceAccount", "metadata": metadata(Self.streamAppName, component: "stream-app"),
            "automountServiceAccountToken": false,
        ]
    }

    func configMap() -> KubernetesYAMLNode {
        [
            "apiVersion": "v1", "kind": "ConfigMap", "metadata": metadata("pipeline-config", component: "configuration"),
            "data": ["pipeline.yaml": .string(configurationText)],
        ]
    }

    /// Flags that adapt the configuration file to the cluster; everything else the app reads from the file.
    var streamAppArguments: [KubernetesYAMLNode] {
        var arguments: [String] = [
            // The kubelet probes the pod's address, so the health server listens on every interface.
            "--config=\(configurationPath)", "--http-host=0.0.0.0", "--http-port=\(configuration.streamApp.httpPort)",
            "--drain-timeout=\(formatDuration(configuration.streamApp.drainTimeout))",
        ]
        if kubernetes.tfServing.enabled {
            let modelName = configuration.google.model.name
            arguments += [
                "--model-backend=tf-serving",
                "--model-url=http://\(Self.tfServingName).\(kubernetes.namespace).svc:\(Self.tfServingRESTPort)"
                    + "/v1/models/\(modelName):predict",
                // In-cluster TF Serving speaks plain HTTP; the app insists on TLS for anything else.
                "--allow-plain-http",
            ]
        }
        return arguments.map { .string($0) }
    }

    /// Whether the app calls a Google API and so needs the service-account key.
    var streamAppUsesGoogle: Bool {
        !kubernetes.tfServing.enabled && configuration.streamApp.modelBackend != .tfServing
    }

    /// SIGTERM arrives after the preStop sleep; the app then has `stream_app.drain_timeout` to finish, and the kubelet waits a
    /// further margin before it kills.
    var terminationGracePeriodSeconds: Int {
        seconds(kubernetes.preStopDelay) + seconds(configuration.streamApp.drainTimeout) + 10
    }

    func streamAppDeployment() -> KubernetesYAMLNode {
        let name = Self.streamAppName
        let port = configuration.streamApp.httpPort
        var environment = kafkaEnvironment
        var volumes = [configurationVolume, temporaryVolume] + kafkaKeyVolumes
        var mounts = [configurationMount, temporaryMount] + kafkaKeyMounts
        if let project = configuration.google.project {
            environment.append(["name": "GOOGLE_CLOUD_PROJECT", "value": .string(project)])
        }
        if streamAppUsesGoogle {
            environment.append(googleKeyEnvironment)
            volumes.append(googleKeyVolume)
            mounts.append(googleKeyMount)
        }
        let container: KubernetesYAMLNode = [
            "name": .string(name),
            "image": .string(configuration.streamApp.image),
            "imagePullPolicy": imagePullPolicy(configuration.streamApp.image),
            "command": ["inference-app"],
            "args": .sequence(streamAppArguments),
            "ports": [["name": "http", "containerPort": .integer(port), "protocol": "TCP"]],
            "env": .sequence(environment),
            "resources": resources(configuration.streamApp.resources),
            // Startup gets up to a minute (joining the group, warming up the model) without a long liveness delay.
            "startupProbe": httpProbe(path: "/healthz", port: "http", periodSeconds: 2, failureThreshold: 30),
            "livenessProbe": httpProbe(path: "/healthz", port: "http", periodSeconds: 10, failureThreshold: 3),
            "readinessProbe": httpProbe(path: "/readyz", port: "http", periodSeconds: 5, failureThreshold: 2),
            "lifecycle": ["preStop": ["exec": ["command": ["sleep", .string(String(seconds(kubernetes.preStopDelay)))]]]],
            "securityContext": containerSecurityContext,
            "volumeMounts": .sequence(mounts),
        ]
        var spec: KubernetesYAMLNode = [:]
        // With an autoscaler, a replica count here would reset its decision on every apply.
        if !kubernetes.isAutoscaled { spec.append("replicas", .integer(configuration.streamApp.replicas)) }
        spec.append("revisionHistoryLimit", 5)
        spec.append("selector", ["matchLabels": selectorLabels(name)])
        // Every rollout step rebalances the consumer group: one new pod at a time, none removed before it is ready.
        spec.append("strategy", ["type": "RollingUpdate", "rollingUpdate": ["maxSurge": 1, "maxUnavailable": 0]])
        spec.append(
            "template",
            [
                "metadata": [
                    "labels": labels(name, component: "stream-app"),
                    "annotations": [
                        "prometheus.io/scrape": "true", "prometheus.io/port": .string(String(port)),
                        "prometheus.io/path": "/metrics",
                        // A new configuration rolls the pods, which read the file only at start.
                        "checksum/config": .string(fnv1a64Hex(configurationText)),
                    ],
                ],
                "spec": [
                    "serviceAccountName": .string(name),
                    "automountServiceAccountToken": false,
                    "enableServiceLinks": false,
                    "terminationGracePeriodSeconds": .integer(terminationGracePeriodSeconds),
                    "securityContext": podSecurityContext,
                    "topologySpreadConstraints": topologySpread(name, keys: [Self.zoneKey, Self.hostKey], isDeployment: true),
                    "containers": [container],
                    "volumes": .sequence(volumes),
                ],
            ])
        return [
            "apiVersion": "apps/v1", "kind": "Deployment", "metadata": scannedMetadata(name, component: "stream-app"),
            "spec": spec,
        ]
    }

    func metricsService() -> KubernetesYAMLNode {
        [
            "apiVersion": "v1", "kind": "Service", "metadata": metadata("\(Self.streamAppName)-metrics", component: "stream-app"),
            "spec": [
                "type": "ClusterIP",
                "selector": selectorLabels(Self.streamAppName),
                "ports": [["name": "http-metrics", "port": .integer(configuration.streamApp.httpPort), "targetPort": "http", "protocol": "TCP"]],
            ],
        ]
    }

    /// One pod at a time during node drains: a budget in absolute terms also works with a single replica, where
    /// `minAvailable: 1` would block every drain.
    func podDisruptionBudget() -> KubernetesYAMLNode {
        [
            "apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": metadata(Self.streamAppName, component: "stream-app"),
            "spec": [
                "maxUnavailable": 1,
                "selector": ["matchLabels": selectorLabels(Self.streamAppName)],
                // A crash-looping pod must not block a drain that would fix it.
                "unhealthyPodEvictionPolicy": "AlwaysAllow",
            ],
        ]
    }

    var scaleTarget: KubernetesYAMLNode { ["apiVersion": "apps/v1", "kind": "Deployment", "name": .string(Self.streamAppName)] }

    func horizontalPodAutoscaler() -> KubernetesYAMLNode {
        let autoscaling = kubernetes.autoscaling
        return [
            "apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
            "metadata": metadata(Self.streamAppName, component: "stream-app"),
            "spec": [
                "scaleTargetRef": scaleTarget,
                "minReplicas": .integer(autoscaling.minReplicas),
                "maxReplicas": .integer(autoscaling.maxReplicas),
                "metrics": [
                    [
                        "type": "Resource",
                        "resource": ["name": "cpu", "target": ["type": "Utilization", "averageUtilization": .integer(autoscaling.targetCPUUtilization)]],
                    ]
                ],
                // Each change of size rebalances the consumer group, so shrink slowly.
                "behavior": [
                    "scaleDown": ["stabilizationWindowSeconds": 300, "policies": [["type": "Pods", "value": 1, "periodSeconds": 60]]]
                ],
            ],
        ]
    }

    static let triggerAuthenticationName = "inference-app-kafka"

    /// KEDA scales on the consumer group's lag, which leads CPU: a backlog shows before the pods get busy.
    func scaledObject() -> KubernetesYAMLNode {
        let app = configuration.streamApp
        var trigger: KubernetesYAMLNode = [:]
        if brokersConfigured, let servers = configuration.kafka.bootstrapServers {
            trigger.append("bootstrapServers", .string(servers))
        } else {
            // KEDA reads the variable from the Deployment's container, where it comes from the Secret.
            trigger.append("bootstrapServersFromEnv", "KAFKA_BOOTSTRAP_SERVERS")
        }
        trigger.append("consumerGroup", .string(app.groupID))
        trigger.append("topic", .string(app.inputTopic))
        trigger.append("lagThreshold", .string(String(kubernetes.keda.lagThreshold)))
        var triggerEntry: KubernetesYAMLNode = ["type": "kafka"]
        if kubernetes.keda.saslPlain {
            trigger.append("sasl", "plaintext")
            trigger.append("tls", "enable")
            triggerEntry.append("metadata", trigger)
            triggerEntry.append("authenticationRef", ["name": .string(Self.triggerAuthenticationName)])
        } else {
            triggerEntry.append("metadata", trigger)
        }
        return [
            "apiVersion": "keda.sh/v1alpha1", "kind": "ScaledObject", "metadata": metadata(Self.streamAppName, component: "stream-app"),
            "spec": [
                "scaleTargetRef": ["name": .string(Self.streamAppName)],
                "minReplicaCount": .integer(kubernetes.autoscaling.minReplicas),
                "maxReplicaCount": .integer(kubernetes.autoscaling.maxReplicas),
                "pollingInterval": 15,
                "cooldownPeriod": 300,
                "triggers": [triggerEntry],
            ],
        ]
    }

    func triggerAuthentication() -> KubernetesYAMLNode {
        let secret = KubernetesYAMLNode.string(kubernetes.credentialsSecretName)
        return [
            "apiVersion": "keda.sh/v1alpha1", "kind": "TriggerAuthentication",
            "metadata": metadata(Self.triggerAuthenticationName, component: "stream-app"),
            "spec": [
                "secretTargetRef": [
                    ["parameter": "username", "name": secret, "key": "KAFKA_API_KEY"],
                    ["parameter": "password", "name": secret, "key": "KAFKA_API_SECRET"],
                ]
            ],
        ]
    }
}

/// FNV-1a, 64 bits: enough to tell configuration versions apart, and stable across runs and platforms (unlike
/// `Hasher`, which is seeded per process).
func fnv1a64Hex(_ text: String) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text.utf8 {
        hash ^= UInt64(byte)
        hash = hash &* 0x0000_0100_0000_01b3
    }
    let hex = String(hash, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
}
