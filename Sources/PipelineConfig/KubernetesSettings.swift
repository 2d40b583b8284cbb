import Yams

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

/// The CPU HorizontalPodAutoscaler's bounds, also used by KEDA when that is enabled (`kubernetes.autoscaling`).
public struct KubernetesAutoscalingSettings: Sendable, Equatable {
    /// Default: true.
    public var enabled = true
    /// Default: `stream_app.replicas`.
    public var minReplicas = 2
    /// Default: the input topic's partition count (a consumer beyond it has no partition to read).
    public var maxReplicas = 6
    /// Average CPU use, in percent of the request, that the autoscaler aims for. Default: 70.
    public var targetCPUUtilization = 70

    public init() {}

    init(_ reader: ConfigReader, replicas: Int, inputTopic: String, partitions: Int?, keda: Bool)
        throws(ConfigurationError)
    {
        try reader.rejectUnknownKeys(["enabled", "min_replicas", "max_replicas", "target_cpu_utilization"])
        enabled = try reader.bool("enabled", default: enabled)
        minReplicas = try reader.int("min_replicas", default: replicas)
        maxReplicas = try reader.int("max_replicas", default: max(minReplicas, partitions ?? minReplicas))
        targetCPUUtilization = try reader.int("target_cpu_utilization", default: targetCPUUtilization)
        guard minReplicas >= 1 else { throw reader.error("min_replicas", "must be at least 1, got \(minReplicas)") }
        guard maxReplicas >= minReplicas else {
            throw reader.error("max_replicas", "must be at least min_replicas (\(minReplicas)), got \(maxReplicas)")
        }
        guard (1...1000).contains(targetCPUUtilization) else {
            throw reader.error("target_cpu_utilization", "must be a percentage from 1 to 1000, got \(targetCPUUtilization)")
        }
        guard keda else { return }
        guard let partitions else {
            throw reader.error(
                "max_replicas",
                "KEDA is enabled but input topic '\(inputTopic)' is not declared in kafka.topics, so its partition "
                    + "count is unknown; declare it")
        }
        guard maxReplicas <= partitions else {
            throw reader.error(
                "max_replicas",
                "\(maxReplicas) is more than the \(partitions) partitions of input topic '\(inputTopic)'; KEDA would "
                    + "start consumers with no partition to read (lower it to \(partitions) or add partitions)")
        }
    }
}

/// Scaling on consumer lag with KEDA (`kubernetes.keda`), in place of the CPU autoscaler. Needs KEDA in the cluster.
public struct KEDASettings: Sendable, Equatable {
    /// Default: false.
    public var enabled = false
    /// Lag, in messages per replica, that KEDA aims for. Default: 100.
    public var lagThreshold = 100
    /// Whether the brokers take SASL_SSL with PLAIN and the API key from the credentials Secret (Confluent Cloud).
    /// Default: true.
    public var saslPlain = true

    public init() {}

    init(_ reader: ConfigReader) throws(ConfigurationError) {
        try reader.rejectUnknownKeys(["enabled", "lag_threshold", "sasl_plain"])
        enabled = try reader.bool("enabled", default: enabled)
        lagThreshold = try reader.int("lag_threshold", default: lagThreshold)
        saslPlain = try reader.bool("sasl_plain", default: saslPlain)
        guard lagThreshold >= 1 else { throw reader.error("lag_threshold", "must be at least 1, got \(lagThreshold)") }
    }
}

/// A TensorFlow Serving Deployment and Service in the cluster (`kubernetes.tf_serving`), for teams that serve the
/// model themselves; the stream app is then pointed at it.
public struct TFServingSettings: Sendable, Equatable {
    /// Default: false.
    public var enabled = false
    /// Default: `tensorflow/serving:2.15.1`.
    public var image = "tensorflow/serving:2.15.1"
    /// Where TF Serving finds numbered version directories of the SavedModel: a path in the image or a volume, or
    /// `gs://bucket/dir` (then read with the Google key from the credentials Secret). Default: `/models/<model name>`.
    public var modelBasePath = "/models/image-classifier"
    /// Default: 1.
    public var replicas = 1
    public var resources = ResourceSettings(cpuRequest: "1", memoryRequest: "1Gi", cpuLimit: "2", memoryLimit: "2Gi")

    public init() {}

    /// Whether the model is read from Cloud Storage, and so needs the Google key.
    public var readsCloudStorage: Bool { modelBasePath.hasPrefix("gs://") }

    init(_ reader: ConfigReader, modelName: String) throws(ConfigurationError) {
        try reader.rejectUnknownKeys(["enabled", "image", "model_base_path", "replicas", "resources"])
        enabled = try reader.bool("enabled", default: enabled)
        image = try reader.string("image", default: image)
        modelBasePath = try reader.string("model_base_path", default: "/models/\(modelName)")
        replicas = try reader.int("replicas", default: replicas)
        resources = try ResourceSettings(try reader.child("resources"), defaults: resources)
        if let problem = imageProblem(image) { throw reader.error("image", problem) }
        guard replicas >= 1 else { throw reader.error("replicas", "must be at least 1, got \(replicas)") }
    }
}

/// The distributed load test, an Indexed Job of `image-loadgen` pods (`kubernetes.load_test`); its profile and
/// worker count are `load:`.
public struct LoadTestJobSettings: Sendable, Equatable {
    /// A PersistentVolumeClaim to keep the JSON reports in. Default: none (an emptyDir; the summaries stay in the
    /// pod logs).
    public var reportsClaim: String?
    public var resources = ResourceSettings(cpuRequest: "500m", memoryRequest: "256Mi", cpuLimit: "1", memoryLimit: "512Mi")

    public init() {}

    init(_ reader: ConfigReader) throws(ConfigurationError) {
        try reader.rejectUnknownKeys(["reports_claim", "resources"])
        reportsClaim = try reader.string("reports_claim")
        resources = try ResourceSettings(try reader.child("resources"), defaults: resources)
        if let reportsClaim, let problem = KubernetesNames.subdomainProblem(reportsClaim) {
            throw reader.error("reports_claim", problem)
        }
    }
}

/// One Kustomize overlay of the stream app (`kubernetes.overlays.NAME`).
public struct KubernetesOverlaySettings: Sendable, Equatable {
    public var name: String
    /// The Deployment's replicas, or the autoscaler's minimum when one is enabled. Default: `stream_app.replicas`.
    public var replicas: Int
    /// Default: `stream_app.resources`.
    public var resources: ResourceSettings

    public init(name: String, replicas: Int, resources: ResourceSettings) {
        self.name = name
        self.replicas = replicas
        self.resources = resources
    }

    /// `maxReplicas`: the autoscaler's maximum, when one owns the replica count.
    init(_ reader: ConfigReader, name: String, streamApp: StreamAppSettings, maxReplicas: Int?) throws(ConfigurationError) {
        try reader.rejectUnknownKeys(["replicas", "resources"])
        self.name = name
        replicas = try reader.int("replicas", default: streamApp.replicas)
        resources = try ResourceSettings(try reader.child("resources"), defaults: streamApp.resources)
        guard replicas >= 1 else { throw reader.error("replicas", "must be at least 1, got \(replicas)") }
        if let maxReplicas, replicas > maxReplicas {
            throw reader.error(
                "replicas",
                "\(replicas) is above kubernetes.autoscaling.max_replicas (\(maxReplicas)); it sets the autoscaler's minimum")
        }
    }
}

/// How the credentials Secret's Kafka API key reaches the pods (`kubernetes.kafka_credentials`).
public enum KafkaCredentialsDelivery: String, Sendable, CaseIterable {
    case env, file
}

/// A NetworkPolicy per workload (`kubernetes.network_policy`): ingress only to the metrics port, egress only to
/// DNS, the Kafka brokers and the model server.
public struct NetworkPolicySettings: Sendable, Equatable {
    /// Default: true.
    public var enabled = true
    /// The brokers' ports. Default: 9092 (Confluent Cloud and most clusters).
    public var kafkaPorts = [9092]
    /// The model server's ports when it runs outside the cluster. Default: the port of `stream_app.model_url`
    /// (443 for Vertex AI and ML Engine); an in-cluster TF Serving is reached by its pods' label instead.
    public var modelPorts: [Int]?

    public init() {}

    init(_ reader: ConfigReader) throws(ConfigurationError) {
        try reader.rejectUnknownKeys(["enabled", "kafka_ports", "model_ports"])
        enabled = try reader.bool("enabled", default: enabled)
        kafkaPorts = try Self.ports(reader, "kafka_ports") ?? kafkaPorts
        modelPorts = try Self.ports(reader, "model_ports")
    }

    private static func ports(_ reader: ConfigReader, _ key: String) throws(ConfigurationError) -> [Int]? {
        guard let node = reader.node(key) else { return nil }
        guard case .sequence(let sequence) = node, !sequence.isEmpty else {
            throw reader.error(key, "expected a list of port numbers, such as [9092]")
        }
        var ports: [Int] = []
        for element in sequence {
            guard let text = element.string, let port = Int(text), (1...65535).contains(port) else {
                throw reader.error(key, "expected port numbers from 1 to 65535, got '\(element.string ?? "a list")'")
            }
            ports.append(port)
        }
        return ports
    }
}

/// A container image reference: one word, pinned to a version tag or a digest. `latest` (said or implied) is
/// refused: it moves, so a restarted pod could run other code than its neighbours, and no rollout would show it.
func imageProblem(_ image: String) -> String? {
    let example = "give an image pinned to a version, such as registry.example.com/image-pipeline:1.0.0, or to a digest (@sha256:…)"
    if image.isEmpty { return "is empty; \(example)" }
    if image.contains(where: { $0.isWhitespace }) { return "'\(image)' is not an image reference (it has a space)" }
    if let at = image.firstIndex(of: "@") {
        let digest = image[image.index(after: at)...]
        guard digest.hasPrefix("sha256:"), digest.count == 71, digest.dropFirst(7).allSatisfy(\.isHexDigit) else {
            return "'\(image)' has a malformed digest; expected @sha256: and 64 hex digits"
        }
        return nil
    }
    // A colon after the last slash starts the tag; one before it belongs to a registry's port.
    let name = image.split(separator: "/").last ?? ""
    guard let colon = name.lastIndex(of: ":") else { return "'\(image)' has no tag, which means latest; \(example)" }
    if name[name.index(after: colon)...] == "latest" { return "'\(image)' is tagged latest; \(example)" }
    return nil
}
