/// Which Google API serves the model. ML Engine (`ml` v1) was shut down on 2025-01-31; Vertex AI replaced it.
public enum GoogleAPI: String, Sendable, CaseIterable {
    case vertex
    case mlEngine = "ml-engine"
}

/// The Google Cloud project and the model to deploy there (`google:` in the file).
public struct GoogleSettings: Sendable, Equatable {
    /// Default: none; also read from `GOOGLE_CLOUD_PROJECT` or the service-account key.
    public var project: String?
    /// Default: `us-central1`.
    public var region = "us-central1"
    /// Default: `vertex`.
    public var api = GoogleAPI.vertex
    public var model = ModelSettings()

    public init() {}

    init(_ reader: ConfigReader) throws(ConfigurationError) {
        try reader.rejectUnknownKeys(["project", "region", "api", "model"])
        project = try reader.string("project")
        region = try reader.string("region", default: region)
        api = try reader.choice("api", default: api)
        model = try ModelSettings(try reader.child("model"))
    }
}

/// The model, its version (ML Engine) and how it is served (Vertex).
public struct ModelSettings: Sendable, Equatable {
    /// Default: `image-classifier`.
    public var name = "image-classifier"
    /// ML Engine version name. Default: `v1`.
    public var version = "v1"
    /// The SavedModel directory in Cloud Storage (`gs://bucket/path/`). Default: none.
    public var savedModelURI: String?
    /// ML Engine runtime version. Default: `2.11`.
    public var runtimeVersion = "2.11"
    /// Default: `tensorflow`.
    public var framework = "tensorflow"
    /// Default: `n1-standard-4`.
    public var machineType = "n1-standard-4"
    /// Vertex serving container. Default: Google's prebuilt TensorFlow 2.15 CPU image.
    public var containerImage = "us-docker.pkg.dev/vertex-ai/prediction/tf2-cpu.2-15:latest"
    /// Default: 1.
    public var minReplicas = 1
    /// Default: 1.
    public var maxReplicas = 1
    /// Vertex endpoint display name. Default: the model name followed by `-endpoint`.
    public var endpointName: String?
    public var labels: [String: String] = [:]

    public init() {}

    init(_ reader: ConfigReader) throws(ConfigurationError) {
        try reader.rejectUnknownKeys([
            "name", "version", "saved_model_uri", "runtime_version", "framework", "machine_type", "container_image",
            "min_replicas", "max_replicas", "endpoint_name", "labels",
        ])
        name = try reader.string("name", default: name)
        version = try reader.string("version", default: version)
        savedModelURI = try reader.string("saved_model_uri")
        runtimeVersion = try reader.string("runtime_version", default: runtimeVersion)
        framework = try reader.string("framework", default: framework)
        machineType = try reader.string("machine_type", default: machineType)
        containerImage = try reader.string("container_image", default: containerImage)
        minReplicas = try reader.int("min_replicas", default: minReplicas)
        maxReplicas = try reader.int("max_replicas", default: maxReplicas)
        endpointName = try reader.string("endpoint_name")
        labels = try reader.stringMap("labels")
        guard minReplicas >= 1 else { throw reader.error("min_replicas", "must be at least 1") }
        guard maxReplicas >= minReplicas else { throw reader.error("max_replicas", "must be at least min_replicas") }
    }
}

/// The Kafka cluster and the topics the pipeline needs (`kafka:`).
public struct KafkaSettings: Sendable, Equatable {
    /// Default: none, which starts the embedded cluster. `KAFKA_BOOTSTRAP_SERVERS` overrides it.
    public var bootstrapServers: String?
    /// Confluent Cloud REST endpoint (`https://pkc-….confluent.cloud:443`). `KAFKA_REST_ENDPOINT` overrides it.
    public var restEndpoint: String?
    /// Confluent Cloud cluster id (`lkc-…`). `KAFKA_ID` overrides it.
    public var clusterID: String?
    /// Confluent Cloud environment id (`env-…`), to look the REST endpoint up. `CONFLUENT_ENVIRONMENT_ID` overrides it.
    public var environment: String?
    /// The Confluent Cloud cluster `cluster-provision` manages (`kafka.cluster:`).
    public var cluster = ConfluentClusterSettings()
    /// librdkafka properties for every client, without credentials.
    public var properties: [String: String] = [:]
    /// Default: `images` (6 partitions), `predictions` (6) and `images-dlq` (1).
    public var topics: [TopicSettings] = [
        TopicSettings(name: "images", partitions: 6),
        TopicSettings(name: "predictions", partitions: 6),
        TopicSettings(name: "images-dlq", partitions: 1),
    ]

    public init() {}

    init(_ reader: ConfigReader) throws(ConfigurationError) {
        try reader.rejectUnknownKeys([
            "bootstrap_servers", "rest_endpoint", "cluster_id", "environment", "properties", "topics", "cluster",
        ])
        cluster = try ConfluentClusterSettings(try reader.child("cluster"))
        bootstrapServers = try reader.string("bootstrap_servers")
        restEndpoint = try reader.string("rest_endpoint")
        clusterID = try reader.string("cluster_id")
        environment = try reader.string("environment")
        properties = try reader.stringMap("properties")
        if reader.node("topics") != nil {
            var topics: [TopicSettings] = []
            for topicReader in try reader.list("topics") {
                topics.append(try TopicSettings(topicReader))
            }
            var seen = Set<String>()
            for (index, topic) in topics.enumerated() where !seen.insert(topic.name).inserted {
                throw ConfigurationError(
                    file: reader.file, line: try reader.list("topics")[index].line, key: "kafka.topics[\(index)].name",
                    reason: "topic '\(topic.name)' is declared twice")
            }
            self.topics = topics
        }
    }
}

public struct TopicSettings: Sendable, Equatable {
    public var name: String
    /// Default: 6.
    public var partitions: Int
    /// Default: 3, as Confluent Cloud requires.
    public var replicationFactor: Int
    /// Topic configs to manage, such as `retention.ms`; others stay at the server's defaults.
    public var configs: [String: String]

    public init(name: String, partitions: Int = 6, replicationFactor: Int = 3, configs: [String: String] = [:]) {
        self.name = name
        self.partitions = partitions
        self.replicationFactor = replicationFactor
        self.configs = configs
    }

    init(_ reader: ConfigReader) throws(ConfigurationError) {
        try reader.rejectUnknownKeys(["name", "partitions", "replication_factor", "configs"])
        guard let name = try reader.string("name"), !name.isEmpty else {
            throw reader.error("name", "every topic needs a name")
        }
        if let problem = Self.validate(name: name) { throw reader.error("name", problem) }
        self.name = name
        partitions = try reader.int("partitions", default: 6)
        replicationFactor = try reader.int("replication_factor", default: 3)
        configs = try reader.stringMap("configs")
        for name in configs.keys.sorted() {
            if let problem = Self.validate(configName: name) { throw reader.error("configs", problem) }
        }
        guard partitions >= 1 else { throw reader.error("partitions", "must be at least 1, got \(partitions)") }
        guard replicationFactor >= 1 else {
            throw reader.error("replication_factor", "must be at least 1, got \(replicationFactor)")
        }
    }

    /// Kafka's config names are lowercase words and digits joined by dots (`retention.ms`, `preallocate`); anything
    /// else is a typo or a property of some other client. Returns the problem, if any.
    public static func validate(configName name: String) -> String? {
        let word = Set("abcdefghijklmnopqrstuvwxyz0123456789")
        let words = name.split(separator: ".", omittingEmptySubsequences: false)
        if words.allSatisfy({ !$0.isEmpty && $0.allSatisfy(word.contains) }) { return nil }
        return "'\(name)' is not a Kafka topic config name; use lowercase words joined by dots, such as retention.ms"
    }

    /// Kafka's topic name rule: 1–249 of `[a-zA-Z0-9._-]`, and not `.` or `..`. Returns the problem, if any.
    public static func validate(name: String) -> String? {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        if name.isEmpty || name.count > 249 { return "topic names are 1 to 249 characters long" }
        if name == "." || name == ".." { return "'\(name)' is not a valid topic name" }
        if let bad = name.first(where: { !allowed.contains($0) }) {
            return "topic name '\(name)' has '\(bad)'; use letters, digits, '.', '_' and '-'"
        }
        return nil
    }
}

/// How the stream app reaches its model.
public enum ModelBackend: String, Sendable, CaseIterable {
    case tfServing = "tf-serving"
    case vertex
    case mlEngine = "ml-engine"
}

/// Kubernetes resource quantities for one container.
public struct ResourceSettings: Sendable, Equatable {
    public var cpuRequest: String
    public var memoryRequest: String
    public var cpuLimit: String
    public var memoryLimit: String

    public init(cpuRequest: String, memoryRequest: String, cpuLimit: String, memoryLimit: String) {
        self.cpuRequest = cpuRequest
        self.memoryRequest = memoryRequest
        self.cpuLimit = cpuLimit
        self.memoryLimit = memoryLimit
    }

    init(_ reader: ConfigReader, defaults: ResourceSettings) throws(ConfigurationError) {
        try reader.rejectUnknownKeys(["requests", "limits"])
        let requests = try reader.child("requests")
        let limits = try reader.child("limits")
        try requests.rejectUnknownKeys(["cpu", "memory"])
        try limits.rejectUnknownKeys(["cpu", "memory"])
        cpuRequest = try requests.string("cpu", default: defaults.cpuRequest)
        memoryRequest = try requests.string("memory", default: defaults.memoryRequest)
        cpuLimit = try limits.string("cpu", default: defaults.cpuLimit)
        memoryLimit = try limits.string("memory", default: defaults.memoryLimit)
        for (key, request, limit) in [("cpu", cpuRequest, cpuLimit), ("memory", memoryRequest, memoryLimit)] {
            guard let requested = ResourceQuantity(request) else { throw requests.error(key, Self.notAQuantity(request)) }
            guard let limited = ResourceQuantity(limit) else { throw limits.error(key, Self.notAQuantity(limit)) }
            guard limited >= requested else {
                throw limits.error(key, "the limit \(limit) is below the request \(request); raise it or lower requests.\(key)")
            }
        }
    }

    private static func notAQuantity(_ text: String) -> String {
        "'\(text)' is not a Kubernetes quantity (write it like 500m, 1, 256Mi or 1Gi)"
    }
}

/// The stream app, `inference-app` (`stream_app:`).
public struct StreamAppSettings: Sendable, Equatable {
    /// Default: `images`.
    public var inputTopic = "images"
    /// Default: `predictions`.
    public var outputTopic = "predictions"
    /// Default: `images-dlq`.
    public var deadLetterTopic = "images-dlq"
    /// Default: `inference-app`.
    public var groupID = "inference-app"
    /// Default: `tf-serving`.
    public var modelBackend = ModelBackend.tfServing
    /// TF Serving predict URL. Default: the local model server, `http://127.0.0.1:8501/v1/models/image-classifier:predict`.
    public var modelURL = "http://127.0.0.1:8501/v1/models/image-classifier:predict"
    /// Requests in flight to the model. Default: 32.
    public var concurrency = 32
    /// Images per model request. Default: 8.
    public var batchSize = 8
    /// How long a request waits for more images to fill its batch. Default: 2 ms.
    public var batchLinger = Duration.milliseconds(2)
    /// Retriable failures of one image, while the model answers others, before it is dead-lettered. Default: 5.
    public var maxAttempts = 5
    /// How often acknowledged offsets are committed. Default: 1 s.
    public var commitInterval = Duration.seconds(1)
    /// Default: 10 s.
    public var requestTimeout = Duration.seconds(10)
    /// On SIGTERM, how long in-flight work may take to finish; a pod's termination grace period must exceed it.
    /// Default: 20 s.
    public var drainTimeout = Duration.seconds(20)
    /// Port of `/healthz`, `/readyz` and `/metrics`. Default: 8080.
    public var httpPort = 8080
    /// Container image of the tools, pinned to a version or a digest (never `latest`). Default: `image-pipeline:1.0.0`.
    public var image = "image-pipeline:1.0.0"
    /// Default: 2.
    public var replicas = 2
    public var resources = ResourceSettings(cpuRequest: "500m", memoryRequest: "256Mi", cpuLimit: "2", memoryLimit: "1Gi")

    public init() {}

    init(_ reader: ConfigReader) throws(ConfigurationError) {
        try reader.rejectUnknownKeys([
            "input_topic", "output_topic", "dead_letter_topic", "group_id", "model_backend", "model_url", "concurrency",
            "batch_size", "batch_linger", "max_attempts", "commit_interval",
            "request_timeout", "drain_timeout", "http_port", "image", "replicas", "resources",
        ])
        inputTopic = try reader.string("input_topic", default: inputTopic)
        outputTopic = try reader.string("output_topic", default: outputTopic)
        deadLetterTopic = try reader.string("dead_letter_topic", default: deadLetterTopic)
        groupID = try reader.string("group_id", default: groupID)
        modelBackend = try reader.choice("model_backend", default: modelBackend)
        modelURL = try reader.string("model_url", default: modelURL)
        concurrency = try reader.int("concurrency", default: concurrency)
        batchSize = try reader.int("batch_size", default: batchSize)
        batchLinger = try reader.duration("batch_linger", default: batchLinger)
        maxAttempts = try reader.int("max_attempts", default: maxAttempts)
        commitInterval = try reader.duration("commit_interval", default: commitInterval)
        requestTimeout = try reader.duration("request_timeout", default: requestTimeout)
        drainTimeout = try reader.duration("drain_timeout", default: drainTimeout)
        httpPort = try reader.int("http_port", default: httpPort)
        image = try reader.string("image", default: image)
        if let problem = imageProblem(image) { throw reader.error("image", problem) }
        replicas = try reader.int("replicas", default: replicas)
        resources = try ResourceSettings(try reader.child("resources"), defaults: resources)
        guard concurrency >= 1 else { throw reader.error("concurrency", "must be at least 1, got \(concurrency)") }
        guard batchSize >= 1 else { throw reader.error("batch_size", "must be at least 1, got \(batchSize)") }
        guard maxAttempts >= 1 else { throw reader.error("max_attempts", "must be at least 1, got \(maxAttempts)") }
        guard commitInterval > .zero else { throw reader.error("commit_interval", "must be above 0") }
        guard drainTimeout >= .seconds(1) else { throw reader.error("drain_timeout", "must be at least 1s") }
        guard replicas >= 1 else { throw reader.error("replicas", "must be at least 1, got \(replicas)") }
        guard (1...65535).contains(httpPort) else { throw reader.error("http_port", "must be a port number, 1 to 65535") }
        for (key, topic) in [("input_topic", inputTopic), ("output_topic", outputTopic), ("dead_letter_topic", deadLetterTopic)] {
            if let problem = TopicSettings.validate(name: topic) { throw reader.error(key, problem) }
        }
    }
}

/// The load profile of `image-loadgen` (`load:`).
public struct LoadSettings: Sendable, Equatable {
    /// Default: the stream app's input topic.
    public var topic = "images"
    /// Images per second; 0 means as fast as possible. Default: 100.
    public var rate = 100.0
    /// Default: 30 s.
    public var duration = Duration.seconds(30)
    /// Excluded from the statistics. Default: none.
    public var warmup = Duration.zero
    /// Default: 224.
    public var width = 224
    /// Default: 224.
    public var height = 224
    /// JPEG quality, 1–100. Default: 90.
    public var quality = 90
    /// Pre-encoded images to cycle through; 0 encodes every message afresh. Default: 64.
    public var pool = 64
    /// Pods of the distributed load test. Default: 1.
    public var workers = 1
    /// Where each worker publishes its final report, for `image-loadgen merge --run-id`. Default: none.
    public var reportTopic: String?

    public init() {}

    init(_ reader: ConfigReader, defaultTopic: String) throws(ConfigurationError) {
        try reader.rejectUnknownKeys(
            ["topic", "rate", "duration", "warmup", "width", "height", "quality", "pool", "workers", "report_topic"])
        topic = try reader.string("topic", default: defaultTopic)
        rate = try reader.double("rate", default: rate)
        duration = try reader.duration("duration", default: duration)
        warmup = try reader.duration("warmup", default: warmup)
        width = try reader.int("width", default: width)
        height = try reader.int("height", default: height)
        quality = try reader.int("quality", default: quality)
        pool = try reader.int("pool", default: pool)
        workers = try reader.int("workers", default: workers)
        reportTopic = try reader.string("report_topic").flatMap { $0.isEmpty ? nil : $0 }
        guard rate >= 0 else { throw reader.error("rate", "must be 0 (as fast as possible) or more, got \(rate)") }
        guard width >= 1, width <= 65_500 else { throw reader.error("width", "must be 1 to 65500 pixels") }
        guard height >= 1, height <= 65_500 else { throw reader.error("height", "must be 1 to 65500 pixels") }
        guard (1...100).contains(quality) else { throw reader.error("quality", "must be 1 to 100, got \(quality)") }
        guard pool >= 0 else { throw reader.error("pool", "must be 0 or more, got \(pool)") }
        guard workers >= 1 else { throw reader.error("workers", "must be at least 1, got \(workers)") }
        if let reportTopic, let problem = TopicSettings.validate(name: reportTopic) { throw reader.error("report_topic", problem) }
    }
}
