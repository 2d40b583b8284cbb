import Foundation

/// A record read from Kafka.
public struct KafkaMessage: Sendable {
    public let topic: String
    public let partition: Int32
    public let offset: Int64
    public let key: Data?
    public let value: Data
    public let headers: [KafkaHeader]
    /// Milliseconds since the epoch, as the producer or broker stamped it; nil when the record has none.
    public let timestampMilliseconds: Int64?
}
