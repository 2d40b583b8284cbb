import CheckedNumbers

extension Duration {
    /// Whole milliseconds, clamped to what librdkafka's `int timeout_ms` parameters take.
    var milliseconds: Int32 { Int32(clamping: saturatingMilliseconds) }
}
