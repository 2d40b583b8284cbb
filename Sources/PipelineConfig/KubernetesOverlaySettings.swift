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
