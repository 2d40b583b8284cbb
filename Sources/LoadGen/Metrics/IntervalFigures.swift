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
