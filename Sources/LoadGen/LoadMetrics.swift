import Histogram

/// Counts and latency distributions of one run. Sends are added from the sender thread and acknowledgements from
/// the producer's polling thread; the owner serialises them (see `LoadGenerator`).
///
/// Values are recorded in microseconds into HdrHistograms (3 significant digits, up to one hour), so the
/// percentiles in the report are exact to 0.1%, not sampled.
public struct LoadMetrics: Sendable {
    public static let lateThreshold = Duration.milliseconds(1)

    private(set) var latency = LoadMetrics.histogram()
    private(set) var serviceTime = LoadMetrics.histogram()
    private(set) var lag = LoadMetrics.histogram()
    private(set) var sent: UInt64 = 0
    private(set) var delivered: UInt64 = 0
    private(set) var failed: UInt64 = 0
    private(set) var failures: [String: UInt64] = [:]
    private(set) var bytesDelivered: UInt64 = 0
    private(set) var lateSends: UInt64 = 0
    /// First and last send inside the measured window, for the achieved rate.
    private(set) var measuredSends: UInt64 = 0
    private(set) var firstMeasuredSend: Duration?
    private(set) var lastMeasuredSend: Duration?
    private(set) var seconds: [SecondBucket] = []

    struct SecondBucket: Sendable {
        var sent: UInt64 = 0
        var delivered: UInt64 = 0
        var failed: UInt64 = 0
        var latency = Histogram<UInt64>(highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .two)
        var lag = Histogram<UInt64>(highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .two)
    }

    public init() {}

    static func histogram() -> Histogram<UInt64> {
        Histogram<UInt64>(highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
    }

    /// A send at `offset` from the start, `lag` behind its intended time. `measured` is false during warm-up.
    public mutating func addSend(at offset: Duration, lag: Duration, measured: Bool) {
        sent += 1
        let second = bucket(at: offset)
        seconds[second].sent += 1
        guard measured else { return }
        let lagMicros = UInt64(max(0, lag.microseconds))
        _ = self.lag.record(lagMicros)
        _ = seconds[second].lag.record(lagMicros)
        if lag > Self.lateThreshold { lateSends += 1 }
        measuredSends += 1
        if firstMeasuredSend == nil { firstMeasuredSend = offset }
        lastMeasuredSend = offset
    }

    /// An acknowledgement at `offset`: `latency` from the intended send, `service` from the actual one.
    public mutating func addDelivery(at offset: Duration, latency: Duration, service: Duration, bytes: Int, measured: Bool) {
        delivered += 1
        bytesDelivered += UInt64(bytes)
        let second = bucket(at: offset)
        seconds[second].delivered += 1
        guard measured else { return }
        let latencyMicros = UInt64(max(0, latency.microseconds))
        _ = self.latency.record(latencyMicros)
        _ = serviceTime.record(UInt64(max(0, service.microseconds)))
        _ = seconds[second].latency.record(latencyMicros)
    }

    public mutating func addFailure(at offset: Duration, kind: String) {
        failed += 1
        failures[kind, default: 0] += 1
        seconds[bucket(at: offset)].failed += 1
    }

    /// The index of the one-second bucket holding `offset`, created on first use.
    private mutating func bucket(at offset: Duration) -> Int {
        let index = max(0, Int(offset.seconds.rounded(.down)))
        while seconds.count <= index { seconds.append(SecondBucket()) }
        return index
    }

    /// The achieved rate: sends in the measured window over the time they spanned.
    public var achievedRate: Double {
        guard measuredSends > 1, let first = firstMeasuredSend, let last = lastMeasuredSend, last > first else { return 0 }
        return Double(measuredSends - 1) / (last - first).seconds
    }

    public var latencySummary: LatencySummary { Self.summary(latency) }
    public var serviceTimeSummary: LatencySummary { Self.summary(serviceTime) }

    public var lagSummary: LagSummary {
        LagSummary(
            p50: Self.milliseconds(lag.valueAtPercentile(50)), p99: Self.milliseconds(lag.valueAtPercentile(99)),
            max: Self.milliseconds(lag.totalCount == 0 ? 0 : lag.max))
    }

    public var timeseries: [LoadSecond] {
        seconds.enumerated().map { index, bucket in
            LoadSecond(
                second: index, sent: bucket.sent, delivered: bucket.delivered, failed: bucket.failed,
                latencyP50: Self.milliseconds(bucket.latency.valueAtPercentile(50)),
                latencyP99: Self.milliseconds(bucket.latency.valueAtPercentile(99)),
                latencyMax: Self.milliseconds(bucket.latency.totalCount == 0 ? 0 : bucket.latency.max),
                lagP99: Self.milliseconds(bucket.lag.valueAtPercentile(99)))
        }
    }

    static func summary(_ histogram: Histogram<UInt64>) -> LatencySummary {
        guard histogram.totalCount > 0 else {
            return LatencySummary(p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0, count: 0)
        }
        return LatencySummary(
            p50: milliseconds(histogram.valueAtPercentile(50)), p90: milliseconds(histogram.valueAtPercentile(90)),
            p99: milliseconds(histogram.valueAtPercentile(99)), p999: milliseconds(histogram.valueAtPercentile(99.9)),
            max: milliseconds(histogram.max), mean: (histogram.mean / 1000 * 1000).rounded() / 1000,
            count: histogram.totalCount)
    }

    static func milliseconds(_ microseconds: UInt64) -> Double {
        Double(microseconds) / 1000
    }
}

/// Latencies observed outside the producer, such as end-to-end times read from the output topic.
public struct LatencyRecorder: Sendable {
    private var histogram = LoadMetrics.histogram()

    public init() {}

    public mutating func record(_ latency: Duration) {
        _ = histogram.record(UInt64(max(0, latency.microseconds)))
    }

    public var count: UInt64 { histogram.totalCount }
    public var summary: LatencySummary { LoadMetrics.summary(histogram) }
}
