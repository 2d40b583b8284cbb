import Histogram

/// One interval read back from a histogram log.
public struct HistogramLogInterval: Sendable {
    public var tag: String?
    /// Seconds since the epoch.
    public var startEpochSeconds: Double
    /// Seconds since the log's start (its first interval when it names no start time).
    public var offsetSeconds: Double
    public var lengthSeconds: Double
    public var histogram: Histogram<UInt64>
}
