import Histogram

/// A run's metrics, joined from the threads that measured them. Each side has its own lock, so the sender and
/// the polling thread never wait for each other.
public struct LoadMetrics: Sendable {
    public var sends = SendMetrics()
    public var deliveries = DeliveryMetrics()
    public var endToEnd: LatencyRecorder?

    public init(sends: SendMetrics = SendMetrics(), deliveries: DeliveryMetrics = DeliveryMetrics(), endToEnd: LatencyRecorder? = nil) {
        self.sends = sends
        self.deliveries = deliveries
        self.endToEnd = endToEnd
    }

    public var sent: UInt64 { sends.sent }
    public var delivered: UInt64 { deliveries.delivered }
    /// Failed deliveries, and sends refused outright.
    public var failed: UInt64 { deliveries.failed + sends.failures.values.reduce(0, +) }
    public var failures: [String: UInt64] { deliveries.failures.merging(sends.failures, uniquingKeysWith: +) }
    public var bytesDelivered: UInt64 { deliveries.bytesDelivered }
    public var lateSends: UInt64 { sends.lateSends }
    public var achievedRate: Double { sends.achievedRate }
    public var latencySummary: LatencySummary { summary(deliveries.latency.total) }
    public var serviceTimeSummary: LatencySummary { summary(deliveries.serviceTime.total) }
    public var lagSummary: LagSummary { LagSummary(sends.lag.total) }

    /// Closes every open interval; call once, after the last value.
    public mutating func finish() {
        sends.finish()
        deliveries.finish()
        endToEnd?.finish()
    }

    /// The per-second rows, from second 0 to the last second anything happened in.
    public var timeseries: [LoadSecond] {
        let counts = [sends.sentPerSecond, deliveries.deliveredPerSecond, deliveries.failedPerSecond]
        let rowSets = [sends.lag.rows, deliveries.latency.rows, endToEnd?.latency.rows ?? []]
        let length = max(counts.map(\.count).max() ?? 0, (rowSets.compactMap { $0.last?.second }.max() ?? -1) + 1)
        var seconds = (0..<length).map { LoadSecond(second: $0) }
        for (index, count) in sends.sentPerSecond.values.enumerated() { seconds[index].sent = count }
        for (index, count) in deliveries.deliveredPerSecond.values.enumerated() { seconds[index].delivered = count }
        for (index, count) in deliveries.failedPerSecond.values.enumerated() { seconds[index].failed = count }
        for row in sends.lag.rows { seconds[row.second].lagP99 = row.p99 }
        for row in deliveries.latency.rows {
            seconds[row.second].latencyP50 = row.p50
            seconds[row.second].latencyP99 = row.p99
            seconds[row.second].latencyMax = row.max
        }
        if let endToEnd {
            for index in seconds.indices { seconds[index].endToEnd = IntervalFigures(second: index, count: 0, p50: 0, p99: 0, max: 0) }
            for row in endToEnd.latency.rows { seconds[row.second].endToEnd = row }
        }
        return seconds
    }

    /// The accumulated histograms, encoded, for reports that are merged later.
    public var encodedHistograms: EncodedHistograms {
        EncodedHistograms(
            latency: deliveries.latency.total.compressedBase64(), service: deliveries.serviceTime.total.compressedBase64(),
            lag: sends.lag.total.compressedBase64(), e2e: endToEnd?.latency.total.compressedBase64())
    }
}

/// Counts per second, in a flat array of one number per second.
struct PerSecondCounts: Sendable {
    private(set) var values: [UInt64] = []

    var count: Int { values.count }

    mutating func add(_ amount: UInt64, at second: Int) {
        if values.count <= second { values.append(contentsOf: repeatElement(0, count: second - values.count + 1)) }
        values[second] += amount
    }
}

/// The second an offset falls in; offsets are measured from the run's start and never negative.
func secondIndex(of offset: Duration) -> Int {
    max(0, Int(clamping: offset.components.seconds))
}

func histogram() -> Histogram<UInt64> {
    Histogram<UInt64>(highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
}

func summary(_ histogram: Histogram<UInt64>) -> LatencySummary {
    guard histogram.totalCount > 0 else {
        return LatencySummary(p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0, count: 0)
    }
    return LatencySummary(
        p50: milliseconds(histogram.valueAtPercentile(50)), p90: milliseconds(histogram.valueAtPercentile(90)),
        p99: milliseconds(histogram.valueAtPercentile(99)), p999: milliseconds(histogram.valueAtPercentile(99.9)),
        max: milliseconds(histogram.max), mean: (histogram.mean).rounded() / 1000, count: histogram.totalCount)
}

extension LagSummary {
    init(_ lag: Histogram<UInt64>) {
        self.init(
            p50: milliseconds(lag.valueAtPercentile(50)), p99: milliseconds(lag.valueAtPercentile(99)),
            max: milliseconds(lag.totalCount == 0 ? 0 : lag.max))
    }
}

/// A histogram value (whole microseconds) as the fractional milliseconds reports show. Unlike a conversion of a
/// `Duration` to a C timeout, nothing here can overflow: every `UInt64` has a `Double` near it.
func milliseconds(_ microseconds: UInt64) -> Double {
    Double(microseconds) / 1000
}

extension LatencySummary {
    /// The summary of a histogram of microseconds, in milliseconds.
    public init(_ histogram: Histogram<UInt64>) {
        self = summary(histogram)
    }
}
