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
        return Double(measuredSends - 1) / (last - first).seconds
    }
}

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

func milliseconds(_ microseconds: UInt64) -> Double {
    Double(microseconds) / 1000
}

extension LatencySummary {
    /// The summary of a histogram of microseconds, in milliseconds.
    public init(_ histogram: Histogram<UInt64>) {
        self = summary(histogram)
    }
}
