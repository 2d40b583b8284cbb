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
