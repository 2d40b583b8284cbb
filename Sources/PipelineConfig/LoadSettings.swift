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
