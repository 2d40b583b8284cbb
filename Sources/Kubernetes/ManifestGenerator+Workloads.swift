import PipelineConfig

/// The optional in-cluster TF Serving, and the distributed load test.
extension ManifestGenerator {
    func tfServingDeployment() -> KubernetesYAMLNode {
        let settings = kubernetes.tfServing
        let name = Self.tfServingName
        let modelName = configuration.google.model.name
        let statusPath = "/v1/models/\(modelName)"
        var environment: [KubernetesYAMLNode] = []
        var volumes = [temporaryVolume]
        var mounts = [temporaryMount]
        if settings.readsCloudStorage {
            environment.append(googleKeyEnvironment)
            volumes.append(googleKeyVolume)
            mounts.append(googleKeyMount)
        }
        var container: KubernetesYAMLNode = [
            "name": .string(name),
            "image": .string(settings.image),
            "imagePullPolicy": imagePullPolicy(settings.image),
            // The image's entrypoint script appends the model name to the base path; naming the server's flags
            // here keeps the path exactly as configured.
            "command": ["tensorflow_model_server"],
            "args": [
                .string("--port=\(Self.tfServingGRPCPort)"), .string("--rest_api_port=\(Self.tfServingRESTPort)"),
                .string("--model_name=\(modelName)"), .string("--model_base_path=\(settings.modelBasePath)"),
            ],
            "ports": [
                ["name": "http", "containerPort": .integer(Self.tfServingRESTPort), "protocol": "TCP"],
                ["name": "grpc", "containerPort": .integer(Self.tfServingGRPCPort), "protocol": "TCP"],
            ],
        ]
        if !environment.isEmpty { container.append("env", .sequence(environment)) }
        container.append("resources", resources(settings.resources))
        // Loading a large SavedModel can take minutes: up to five before liveness takes over.
        container.append("startupProbe", httpProbe(path: statusPath, port: "http", periodSeconds: 5, failureThreshold: 60))
        container.append("livenessProbe", httpProbe(path: statusPath, port: "http", periodSeconds: 10, failureThreshold: 3))
        container.append("readinessProbe", httpProbe(path: statusPath, port: "http", periodSeconds: 5, failureThreshold: 2))
        container.append("securityContext", containerSecurityContext)
        container.append("volumeMounts", .sequence(mounts))
        return [
            "apiVersion": "apps/v1", "kind": "Deployment", "metadata": metadata(name, component: "model-server"),
            "spec": [
                "replicas": .integer(settings.replicas),
                "revisionHistoryLimit": 5,
                "selector": ["matchLabels": selectorLabels(name)],
                "template": [
                    "metadata": ["labels": labels(name, component: "model-server")],
                    "spec": [
                        "automountServiceAccountToken": false,
                        "enableServiceLinks": false,
                        "securityContext": podSecurityContext,
                        "topologySpreadConstraints": topologySpread(name, keys: [Self.zoneKey, Self.hostKey], isDeployment: true),
                        "containers": [container],
                        "volumes": .sequence(volumes),
                    ],
                ],
            ],
        ]
    }

    func tfServingService() -> KubernetesYAMLNode {
        [
            "apiVersion": "v1", "kind": "Service", "metadata": metadata(Self.tfServingName, component: "model-server"),
            "spec": [
                "type": "ClusterIP",
                "selector": selectorLabels(Self.tfServingName),
                "ports": [
                    ["name": "http", "port": .integer(Self.tfServingRESTPort), "targetPort": "http", "protocol": "TCP"],
                    ["name": "grpc", "port": .integer(Self.tfServingGRPCPort), "targetPort": "grpc", "protocol": "TCP"],
                ],
            ],
        ]
    }

    static let reportsDirectory = "/reports"

    /// N pods at once, one per completion index. `image-loadgen` sends rate/N each and takes the image ids
    /// k·N + index, so the slices never overlap; each prints its summary to the pod log and writes its JSON report
    /// to the reports volume. With `load.report_topic`, the pods share the Job's uid as run id, start together
    /// (a barrier on the report topic), publish their reports there, and worker 0 prints the combined report.
    func loadTestJob() -> KubernetesYAMLNode {
        let name = Self.loadTestName
        let workers = loadTestWorkers
        let reportsVolume: KubernetesYAMLNode =
            if let claim = kubernetes.loadTest.reportsClaim {
                ["name": "reports", "persistentVolumeClaim": ["claimName": .string(claim)]]
            } else {
                ["name": "reports", "emptyDir": ["sizeLimit": "256Mi"]]
            }
        let indexVariable: KubernetesYAMLNode = [
            // Declared, not only injected by the Job controller, so that $(JOB_COMPLETION_INDEX) expands in args.
            "name": "JOB_COMPLETION_INDEX",
            "valueFrom": ["fieldRef": ["fieldPath": "metadata.annotations['batch.kubernetes.io/job-completion-index']"]],
        ]
        // The Job's uid: the same for its pods, new for every run of the Job, so a rerun never meets old reports.
        let runIDVariable: KubernetesYAMLNode = [
            "name": "IMAGE_LOADGEN_RUN_ID",
            "valueFrom": ["fieldRef": ["fieldPath": "metadata.labels['batch.kubernetes.io/controller-uid']"]],
        ]
        var arguments: [KubernetesYAMLNode] = [
            .string("--config=\(configurationPath)"), .string("--workers=\(workers)"),
            .string("--report=\(Self.reportsDirectory)/report-$(JOB_COMPLETION_INDEX).json"),
            .string("--histogram-log=\(Self.reportsDirectory)/latency-$(JOB_COMPLETION_INDEX).hlog"),
        ]
        if configuration.load.reportTopic != nil {
            if workers > 1 { arguments.append("--barrier") }
            arguments += ["--merge", .string("--merged-report=\(Self.reportsDirectory)/report-combined.json")]
        }
        let container: KubernetesYAMLNode = [
            "name": .string(name),
            "image": .string(configuration.streamApp.image),
            "imagePullPolicy": imagePullPolicy(configuration.streamApp.image),
            "command": ["image-loadgen"],
            "args": .sequence(arguments),
            "env": .sequence([indexVariable, runIDVariable] + kafkaEnvironment),
            "resources": resources(kubernetes.loadTest.resources),
            "securityContext": containerSecurityContext,
            "volumeMounts": .sequence(
                [configurationMount, temporaryMount, ["name": "reports", "mountPath": .string(Self.reportsDirectory)]]
                    + kafkaKeyMounts),
        ]
        return [
            "apiVersion": "batch/v1", "kind": "Job", "metadata": scannedMetadata(name, component: "load-test"),
            "spec": [
                "completionMode": "Indexed",
                "completions": .integer(workers),
                "parallelism": .integer(workers),
                // A retried slice would send its images twice and skew the report: a failure fails the run.
                "backoffLimit": 0,
                "ttlSecondsAfterFinished": 86400,
                "template": [
                    "metadata": ["labels": labels(name, component: "load-test")],
                    "spec": [
                        "restartPolicy": "Never",
                        "automountServiceAccountToken": false,
                        "enableServiceLinks": false,
                        "securityContext": podSecurityContext,
                        // One producer per node, so the generator's own network is not what gets measured.
                        "topologySpreadConstraints": topologySpread(name, keys: [Self.hostKey], isDeployment: false),
                        "containers": [container],
                        "volumes": .sequence([configurationVolume, temporaryVolume, reportsVolume] + kafkaKeyVolumes),
                    ],
                ],
            ],
        ]
    }

    /// The load test's pods: `load.workers`, but no more than the input topic has partitions. Every worker writes
    /// to every partition, so pods beyond one per partition add connections and CPU, not throughput the brokers
    /// can absorb in parallel; `warnings` says so when it lowers the number.
    var loadTestWorkers: Int {
        guard let partitions = loadTopicPartitions else { return configuration.load.workers }
        return min(configuration.load.workers, partitions)
    }

    var loadTopicPartitions: Int? {
        configuration.kafka.topics.first { $0.name == configuration.load.topic }?.partitions
    }
}
