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
