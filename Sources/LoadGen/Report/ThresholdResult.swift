/// The outcome of a `--threshold` check.
public struct ThresholdResult: Codable, Sendable, Equatable {
    public var threshold: String
    public var actual: Double
    public var passed: Bool
}
