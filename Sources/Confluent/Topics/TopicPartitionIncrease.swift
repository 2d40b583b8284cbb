/// Partitions to add: Kafka only ever raises the count.
public struct TopicPartitionIncrease: Sendable, Equatable {
    public let from: Int
    public let to: Int
}
