import Histogram

/// Latencies observed outside the producer, such as end-to-end times read from the output topic.
public struct LatencyRecorder: Sendable {
    private(set) var latency: IntervalHistogram
    /// Everything received, warm-up included.
    public private(set) var count: UInt64 = 0

    public init(tag: String = "e2e", log: HistogramLogWriter? = nil) {
        latency = IntervalHistogram(tag: tag, log: log)
    }

    /// A latency observed at `offset` from the start of the run.
    public mutating func record(_ latency: Duration, at offset: Duration, measured: Bool = true) {
        count += 1
        if measured { self.latency.record(UInt64(clamping: max(0, latency.microseconds)), second: secondIndex(of: offset)) }
    }

    mutating func finish() {
        latency.closeInterval()
    }

    public var summary: LatencySummary { LoadGen.summary(latency.total) }
}
