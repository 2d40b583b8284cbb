/// One step of a load profile: a rate held for a duration. Rate 0 means as fast as possible.
public struct LoadStage: Sendable, Equatable {
    public var rate: Double
    public var duration: Duration

    public init(rate: Double, duration: Duration) {
        self.rate = rate
        self.duration = duration
    }
}
