/// A run's accumulated histograms in HdrHistogram's compressed encoding (base64), so that reports of several
/// workers combine exactly: percentiles of the added histograms, never averages of percentiles.
public struct EncodedHistograms: Codable, Sendable, Equatable {
    public var latency: String
    public var service: String
    public var lag: String
    public var e2e: String?
}
