extension Duration {
    /// In whole microseconds, the unit of the latency histograms and of the timestamp headers; rounded toward
    /// zero. Durations here come from the clock or from `parseDuration`, which caps them at
    /// `Duration.longestAccepted`, so the product stays far inside `Int64`.
    public var microseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000 + attoseconds / 1_000_000_000_000
    }
}
