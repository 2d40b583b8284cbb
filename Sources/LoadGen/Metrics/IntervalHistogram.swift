import Histogram

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
