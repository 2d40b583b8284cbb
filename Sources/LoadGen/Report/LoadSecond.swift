/// One row of `--timeseries`: what happened in one second of the run.
public struct LoadSecond: Sendable, Equatable, Codable {
    public var second: Int
    public var sent: UInt64 = 0
    public var delivered: UInt64 = 0
    public var failed: UInt64 = 0
    public var latencyP50: Double = 0
    public var latencyP99: Double = 0
    public var latencyMax: Double = 0
    public var lagP99: Double = 0
    /// Predictions received in this second and their end-to-end latency (nil without `--observe-topic`).
    public var endToEnd: IntervalFigures?

    public init(
        second: Int, sent: UInt64 = 0, delivered: UInt64 = 0, failed: UInt64 = 0, latencyP50: Double = 0,
        latencyP99: Double = 0, latencyMax: Double = 0, lagP99: Double = 0, endToEnd: IntervalFigures? = nil
    ) {
        self.second = second
        self.sent = sent
        self.delivered = delivered
        self.failed = failed
        self.latencyP50 = latencyP50
        self.latencyP99 = latencyP99
        self.latencyMax = latencyMax
        self.lagP99 = lagP99
        self.endToEnd = endToEnd
    }

    enum CodingKeys: String, CodingKey {
        case second, sent, delivered, failed
        case latencyP50 = "latency_p50_ms"
        case latencyP99 = "latency_p99_ms"
        case latencyMax = "latency_max_ms"
        case lagP99 = "schedule_lag_p99_ms"
        case endToEnd = "e2e"
    }
}
