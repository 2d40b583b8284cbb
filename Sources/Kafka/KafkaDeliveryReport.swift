/// The outcome of one produced message, reported exactly once per accepted `send`.
public struct KafkaDeliveryReport: Sendable {
    /// The identifier the caller gave to `send`.
    public let id: UInt64
    public let partition: Int32
    public let offset: Int64
    /// Time from `send` until the broker's acknowledgement, as librdkafka measured it, in microseconds.
    public let latencyMicroseconds: Int64
    /// Bytes of the message's value.
    public let valueSize: Int
    public let error: KafkaError?
}
