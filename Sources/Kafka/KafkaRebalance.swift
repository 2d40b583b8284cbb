/// A change of the partitions a group member owns.
public enum KafkaRebalance: Sendable, Equatable {
    case assigned([KafkaTopicPartitionOffset])
    /// Also reported when the partitions were lost (session timed out); a commit is then skipped.
    case revoked([KafkaTopicPartitionOffset])
}
