import Histogram

/// What the producer's polling thread measures: acknowledgements and failures.
public struct DeliveryMetrics: Sendable {
    private(set) var latency: IntervalHistogram
    private(set) var serviceTime: IntervalHistogram
    private(set) var delivered: UInt64 = 0
    private(set) var failed: UInt64 = 0
    private(set) var failures: [String: UInt64] = [:]
    private(set) var bytesDelivered: UInt64 = 0
    private(set) var deliveredPerSecond = PerSecondCounts()
    private(set) var failedPerSecond = PerSecondCounts()

    /// `log` receives each second's latency and service-time histograms.
    public init(log: HistogramLogWriter? = nil) {
        latency = IntervalHistogram(tag: "latency", log: log)
        serviceTime = IntervalHistogram(tag: "service", log: log)
    }

    /// An acknowledgement at `offset`: `latency` from the intended send, `service` from the actual one.
    public mutating func addDelivery(at offset: Duration, latency: Duration, service: Duration, bytes: Int, measured: Bool) {
        delivered += 1
        bytesDelivered += UInt64(max(0, bytes))
        let second = secondIndex(of: offset)
        deliveredPerSecond.add(1, at: second)
        guard measured else { return }
        self.latency.record(UInt64(clamping: max(0, latency.microseconds)), second: second)
        serviceTime.record(UInt64(clamping: max(0, service.microseconds)), second: second)
    }

    public mutating func addFailure(at offset: Duration, kind: String) {
        failed += 1
        failures[kind, default: 0] += 1
        failedPerSecond.add(1, at: secondIndex(of: offset))
    }

    mutating func finish() {
        latency.closeInterval()
        serviceTime.closeInterval()
    }
}
