/// What `image-loadgen search` reports.
public struct RateSearchResult: Codable, Sendable {
    /// The highest rate that met every threshold, or nil if none did.
    public var rate: Double?
    /// The confidence interval: the limit lies between these (nil when the probe never got there).
    public var lastPassingRate: Double?
    public var firstFailingRate: Double?
    /// The answer passed a repeated step too.
    public var confirmed: Bool
    public var steps: [RateSearch.Step]
    /// The search stopped at --max-rate with every step passing: the limit is higher still.
    public var limitedByMaximum: Bool

    enum CodingKeys: String, CodingKey {
        case rate
        case lastPassingRate = "last_passing_rate"
        case firstFailingRate = "first_failing_rate"
        case confirmed, steps
        case limitedByMaximum = "limited_by_maximum"
    }
}
