/// Schedule lag: how late sends left compared with the open-loop schedule, in milliseconds.
public struct LagSummary: Codable, Sendable, Equatable {
    public var p50: Double
    public var p99: Double
    public var max: Double
}
