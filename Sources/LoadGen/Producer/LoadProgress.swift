/// A live view of a run, for progress displays.
public struct LoadProgress: Sendable {
    public var elapsed: Duration
    public var sent: UInt64
    public var delivered: UInt64
    public var failed: UInt64
    public var latencyP99Milliseconds: Double
    public var lateSends: UInt64
}
