/// How `manifest-gen` deploys the pipeline (`kubernetes:`): namespace, credentials, shutdown, autoscaling, an
/// optional in-cluster TF Serving, the distributed load test and the Kustomize overlays.
public struct KubernetesSettings: Sendable, Equatable {
    /// Default: `image-pipeline`.
    public var namespace = "image-pipeline"
    /// The Secret holding `KAFKA_BOOTSTRAP_SERVERS`, `KAFKA_API_KEY`, `KAFKA_API_SECRET` and, for the Google
    /// backends, `google-application-credentials.json`. Default: `image-pipeline-credentials`.
    public var credentialsSecretName = "image-pipeline-credentials"
    /// The preStop sleep that lets endpoints stop routing before SIGTERM. Default: 5 s.
    public var preStopDelay = Duration.seconds(5)
    public var autoscaling = KubernetesAutoscalingSettings()
    public var keda = KEDASettings()
    public var tfServing = TFServingSettings()
    public var loadTest = LoadTestJobSettings()
    public var networkPolicy = NetworkPolicySettings()
    /// How pods get `KAFKA_API_KEY` and `KAFKA_API_SECRET` from the Secret: `env` (environment variables) or
    /// `file` (files in a read-only volume, named by `KAFKA_API_KEY_FILE` and `KAFKA_API_SECRET_FILE`, which keeps
    /// them out of `/proc/<pid>/environ` and crash reports). Default: `file`.
    public var kafkaCredentials = KafkaCredentialsDelivery.file
    /// Kustomize overlays, each a directory under `manifests/overlays/`. Default: `dev` and `prod` below.
    public var overlays: [KubernetesOverlaySettings] = [
        KubernetesOverlaySettings(
            name: "dev", replicas: 1,
            resources: ResourceSettings(cpuRequest: "100m", memoryRequest: "128Mi", cpuLimit: "1", memoryLimit: "512Mi")),
        KubernetesOverlaySettings(
            name: "prod", replicas: 3,
            resources: ResourceSettings(cpuRequest: "1", memoryRequest: "512Mi", cpuLimit: "2", memoryLimit: "1Gi")),
    ]

    public init() {}

    init(_ reader: ConfigReader, streamApp: StreamAppSettings, kafka: KafkaSettings, modelName: String)
        throws(ConfigurationError)
    {
        try reader.rejectUnknownKeys([
            "namespace", "credentials_secret_name", "pre_stop_delay", "autoscaling", "keda",
            "tf_serving", "load_test", "overlays", "network_policy", "kafka_credentials",
        ])
        namespace = try reader.string("namespace", default: namespace)
        credentialsSecretName = try reader.string("credentials_secret_name", default: credentialsSecretName)
        preStopDelay = try reader.duration("pre_stop_delay", default: preStopDelay)
        if let problem = KubernetesNames.labelProblem(namespace) { throw reader.error("namespace", problem) }
        if let problem = KubernetesNames.subdomainProblem(credentialsSecretName) {
            throw reader.error("credentials_secret_name", problem)
        }
        guard preStopDelay >= .zero else { throw reader.error("pre_stop_delay", "must be 0s or more") }

        let partitions = kafka.topics.first { $0.name == streamApp.inputTopic }?.partitions
        keda = try KEDASettings(try reader.child("keda"))
        autoscaling = try KubernetesAutoscalingSettings(
            try reader.child("autoscaling"), replicas: streamApp.replicas, inputTopic: streamApp.inputTopic,
            partitions: partitions, keda: keda.enabled)
        tfServing = try TFServingSettings(try reader.child("tf_serving"), modelName: modelName)
        loadTest = try LoadTestJobSettings(try reader.child("load_test"))
        networkPolicy = try NetworkPolicySettings(try reader.child("network_policy"))
        kafkaCredentials = try reader.choice("kafka_credentials", default: kafkaCredentials)
        if reader.node("overlays") != nil {
            let overlaysReader = try reader.child("overlays")
            var overlays: [KubernetesOverlaySettings] = []
            for name in overlaysReader.keys {
                if let problem = KubernetesNames.labelProblem(name) { throw overlaysReader.error(name, problem) }
                overlays.append(
                    try KubernetesOverlaySettings(
                        try overlaysReader.child(name), name: name, streamApp: streamApp,
                        maxReplicas: isAutoscaled ? autoscaling.maxReplicas : nil))
            }
            self.overlays = overlays
        }
    }

    /// Whether an autoscaler (the CPU HorizontalPodAutoscaler or KEDA's) owns the replica count.
    public var isAutoscaled: Bool { autoscaling.enabled || keda.enabled }
}
