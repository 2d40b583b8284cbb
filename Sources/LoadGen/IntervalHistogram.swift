import Histogram

/// The figures the per-second CSV prints for one metric in one second; all that is kept of each interval.
public struct IntervalFigures: Sendable, Equatable, Codable {
    public var second: Int
    public var count: UInt64
    public var p50: Double
    public var p99: Double
    public var max: Double

    public init(second: Int, count: UInt64, p50: Double, p99: Double, max: Double) {
        self.second = second
        self.count = count
        self.p50 = p50
        self.p99 = p99
        self.max = max
    }

    init(second: Int, _ histogram: Histogram<UInt64>) {
        self.init(
            second: second, count: histogram.totalCount, p50: milliseconds(histogram.valueAtPercentile(50)),
            p99: milliseconds(histogram.valueAtPercentile(99)),
            max: milliseconds(histogram.totalCount == 0 ? 0 : histogram.max))
    }
}

/// One metric's histograms with flat memory however long the run: the run's total, and a single interval
/// histogram for the current second that is summarised (and written to the histogram log), then reset, when a
/// value of a later second arrives. Each metric is recorded by one thread in time order, so a second never
/// reopens.
struct IntervalHistogram: Sendable {
    let tag: String
    private(set) var total: Histogram<UInt64>
    private var interval: Histogram<UInt64>
    private var openSecond: Int?
    private(set) var rows: [IntervalFigures] = []
    private let log: HistogramLogWriter?

    init(tag: String, log: HistogramLogWriter? = nil) {
        self.tag = tag
        total = histogram()
        interval = histogram()
        self.log = log
    }

    mutating func record(_ microseconds: UInt64, second: Int) {
        if let openSecond, second > openSecond { closeInterval() }
        if openSecond == nil { openSecond = second }
        _ = total.record(microseconds)
        _ = interval.record(microseconds)
    }

    /// Ends the open second, at a rollover or at the end of the run.
    mutating func closeInterval() {
        guard let second = openSecond else { return }
        rows.append(IntervalFigures(second: second, interval))
        log?.append(tag: tag, startSeconds: Double(second), lengthSeconds: 1, histogram: interval)
        interval.reset()
        openSecond = nil
    }
}
