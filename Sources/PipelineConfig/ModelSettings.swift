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
