import Logging

/// What librdkafka's callbacks need from Swift. It outlives the handle (the client owns both and destroys the
/// handle first), so it is registered with `passUnretained`.
final class RDKafkaClientContext: Sendable {
    let logger: Logger
    let onRebalance: (@Sendable (KafkaRebalance) -> [KafkaTopicPartitionOffset])?
    let onCommit: (@Sendable (KafkaCommitResult) -> Void)?

    init(
        logger: Logger, onRebalance: (@Sendable (KafkaRebalance) -> [KafkaTopicPartitionOffset])? = nil,
        onCommit: (@Sendable (KafkaCommitResult) -> Void)? = nil
    ) {
        self.logger = logger
        self.onRebalance = onRebalance
        self.onCommit = onCommit
    }
}
