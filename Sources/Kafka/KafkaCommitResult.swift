/// The outcome of one offset commit.
public struct KafkaCommitResult: Sendable {
    /// Offsets the group coordinator stored.
    public let committed: [KafkaTopicPartitionOffset]
    /// Offsets it did not store; commit them (or later ones) again.
    public let failed: [KafkaTopicPartitionOffset]
    /// Why, when anything failed.
    public let error: KafkaError?
}
