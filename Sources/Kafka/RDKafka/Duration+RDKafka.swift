extension Duration {
    /// Whole milliseconds, clamped to what librdkafka's `int timeout_ms` parameters take.
    var milliseconds: Int32 {
        let (seconds, attoseconds) = components
        let total = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        return Int32(clamping: total)
    }
}
