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
