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
