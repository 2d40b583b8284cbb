import Histogram

/// What the sender thread measures: sends, schedule lag, the measured window.
///
/// Values are recorded in microseconds into HdrHistograms (3 significant digits, up to one hour), so the
/// percentiles in the report are exact to 0.1%, not sampled.
public struct SendMetrics: Sendable {
    public static let lateThreshold = Duration.milliseconds(1)

    private(set) var sent: UInt64 = 0
    private(set) var lag = histogram()
    private(set) var lateSends: UInt64 = 0
    /// Failures `send` itself reported (a fatal producer error), by librdkafka error name.
    private(set) var failures: [String: UInt64] = [:]
    /// First and last send inside the measured window, for the achieved rate.
    private(set) var measuredSends: UInt64 = 0
    private(set) var firstMeasuredSend: Duration?
    private(set) var lastMeasuredSend: Duration?
    fileprivate private(set) var seconds = PerSecond<SendSecond>()

    struct SendSecond: SecondBucket {
        var sent: UInt64 = 0
        var lag = Histogram<UInt64>(highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .two)
    }

    public init() {}

    /// A send at `offset` from the start, `lag` behind its intended time. `measured` is false during warm-up.
    public mutating func addSend(at offset: Duration, lag: Duration, measured: Bool) {
        sent += 1
        let second = seconds.index(at: offset)
        seconds.buckets[second].sent += 1
        guard measured else { return }
        let lagMicros = UInt64(max(0, lag.microseconds))
        _ = self.lag.record(lagMicros)
        _ = seconds.buckets[second].lag.record(lagMicros)
        if lag > Self.lateThreshold { lateSends += 1 }
        measuredSends += 1
        if firstMeasuredSend == nil { firstMeasuredSend = offset }
        lastMeasuredSend = offset
    }

    public mutating func addFailure(kind: String) {
        failures[kind, default: 0] += 1
    }

    /// Sends in the measured window over the time they spanned.
    public var achievedRate: Double {
        guard measuredSends > 1, let first = firstMeasuredSend, let last = lastMeasuredSend, last > first else { return 0 }
        return Double(measuredSends - 1) / (last - first).seconds
    }
}

/// What the producer's polling thread measures: acknowledgements and failures.
public struct DeliveryMetrics: Sendable {
    private(set) var latency = histogram()
    private(set) var serviceTime = histogram()
    private(set) var delivered: UInt64 = 0
    private(set) var failed: UInt64 = 0
    private(set) var failures: [String: UInt64] = [:]
    private(set) var bytesDelivered: UInt64 = 0
    fileprivate private(set) var seconds = PerSecond<DeliverySecond>()

    struct DeliverySecond: SecondBucket {
        var delivered: UInt64 = 0
        var failed: UInt64 = 0
        var latency = Histogram<UInt64>(highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .two)
    }

    public init() {}

    /// An acknowledgement at `offset`: `latency` from the intended send, `service` from the actual one.
    public mutating func addDelivery(at offset: Duration, latency: Duration, service: Duration, bytes: Int, measured: Bool) {
        delivered += 1
        bytesDelivered += UInt64(bytes)
        let second = seconds.index(at: offset)
        seconds.buckets[second].delivered += 1
        guard measured else { return }
        let latencyMicros = UInt64(max(0, latency.microseconds))
        _ = self.latency.record(latencyMicros)
        _ = serviceTime.record(UInt64(max(0, service.microseconds)))
        _ = seconds.buckets[second].latency.record(latencyMicros)
    }

    public mutating func addFailure(at offset: Duration, kind: String) {
        failed += 1
        failures[kind, default: 0] += 1
        seconds.buckets[seconds.index(at: offset)].failed += 1
    }
}

/// A run's metrics, joined from the two threads that measured them. Each side has its own lock, so the sender
/// and the polling thread never wait for each other.
public struct LoadMetrics: Sendable {
    public var sends = SendMetrics()
    public var deliveries = DeliveryMetrics()

    public init(sends: SendMetrics = SendMetrics(), deliveries: DeliveryMetrics = DeliveryMetrics()) {
        self.sends = sends
        self.deliveries = deliveries
    }

    public var sent: UInt64 { sends.sent }
    public var delivered: UInt64 { deliveries.delivered }
    /// Failed deliveries, and sends refused outright.
    public var failed: UInt64 { deliveries.failed + sends.failures.values.reduce(0, +) }
    public var failures: [String: UInt64] { deliveries.failures.merging(sends.failures, uniquingKeysWith: +) }
    public var bytesDelivered: UInt64 { deliveries.bytesDelivered }
    public var lateSends: UInt64 { sends.lateSends }
    public var achievedRate: Double { sends.achievedRate }
    public var latencySummary: LatencySummary { summary(deliveries.latency) }
    public var serviceTimeSummary: LatencySummary { summary(deliveries.serviceTime) }

    public var lagSummary: LagSummary {
        let lag = sends.lag
        return LagSummary(
            p50: milliseconds(lag.valueAtPercentile(50)), p99: milliseconds(lag.valueAtPercentile(99)),
            max: milliseconds(lag.totalCount == 0 ? 0 : lag.max))
    }

    public var timeseries: [LoadSecond] {
        let count = max(sends.seconds.buckets.count, deliveries.seconds.buckets.count)
        return (0..<count).map { index in
            let send = index < sends.seconds.buckets.count ? sends.seconds.buckets[index] : SendMetrics.SendSecond()
            let delivery =
                index < deliveries.seconds.buckets.count ? deliveries.seconds.buckets[index] : DeliveryMetrics.DeliverySecond()
            return LoadSecond(
                second: index, sent: send.sent, delivered: delivery.delivered, failed: delivery.failed,
                latencyP50: milliseconds(delivery.latency.valueAtPercentile(50)),
                latencyP99: milliseconds(delivery.latency.valueAtPercentile(99)),
                latencyMax: milliseconds(delivery.latency.totalCount == 0 ? 0 : delivery.latency.max),
                lagP99: milliseconds(send.lag.valueAtPercentile(99)))
        }
    }
}

/// A one-second slice of a run; every field starts empty.
protocol SecondBucket: Sendable {
    init()
}

/// One-second buckets, created on first use.
struct PerSecond<Bucket: SecondBucket>: Sendable {
    var buckets: [Bucket] = []

    mutating func index(at offset: Duration) -> Int {
        let index = max(0, Int(offset.components.seconds))
        while buckets.count <= index { buckets.append(Bucket()) }
        return index
    }
}

/// Latencies observed outside the producer, such as end-to-end times read from the output topic.
public struct LatencyRecorder: Sendable {
    private var histogram = LoadGen.histogram()
    /// Everything received, warm-up included.
    public private(set) var count: UInt64 = 0

    public init() {}

    public mutating func record(_ latency: Duration, measured: Bool = true) {
        count += 1
        if measured { _ = histogram.record(UInt64(max(0, latency.microseconds))) }
    }

    public var summary: LatencySummary { LoadGen.summary(histogram) }
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

func milliseconds(_ microseconds: UInt64) -> Double {
    Double(microseconds) / 1000
}
