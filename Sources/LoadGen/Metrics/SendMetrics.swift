import CheckedNumbers
import Histogram

/// What the sender thread measures: sends, schedule lag, the measured window.
///
/// Values are recorded in microseconds into HdrHistograms (3 significant digits, up to one hour), so the
/// percentiles in the report are exact to 0.1%, not sampled.
public struct SendMetrics: Sendable {
    public static let lateThreshold = Duration.milliseconds(1)

    private(set) var sent: UInt64 = 0
    private(set) var lag = IntervalHistogram(tag: "lag")
    private(set) var lateSends: UInt64 = 0
    /// Failures `send` itself reported (a fatal producer error), by librdkafka error name.
    private(set) var failures: [String: UInt64] = [:]
    /// First and last send inside the measured window, for the achieved rate.
    private(set) var measuredSends: UInt64 = 0
    private(set) var firstMeasuredSend: Duration?
    private(set) var lastMeasuredSend: Duration?
    private(set) var sentPerSecond = PerSecondCounts()

    public init() {}

    /// A send at `offset` from the start, `lag` behind its intended time. `measured` is false during warm-up.
    public mutating func addSend(at offset: Duration, lag: Duration, measured: Bool) {
        sent += 1
        let second = secondIndex(of: offset)
        sentPerSecond.add(1, at: second)
        guard measured else { return }
        self.lag.record(UInt64(clamping: max(0, lag.microseconds)), second: second)
        if lag > Self.lateThreshold { lateSends += 1 }
        measuredSends += 1
        if firstMeasuredSend == nil { firstMeasuredSend = offset }
        lastMeasuredSend = offset
    }

    public mutating func addFailure(kind: String) {
        failures[kind, default: 0] += 1
    }

    mutating func finish() {
        lag.closeInterval()
    }

    /// Sends in the measured window over the time they spanned.
    public var achievedRate: Double {
        guard measuredSends > 1, let first = firstMeasuredSend, let last = lastMeasuredSend, last > first else { return 0 }
        return Double(measuredSends - 1) / (last - first).secondsValue
    }
}
