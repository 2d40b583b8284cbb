import PipelineConfig

/// What it takes to bring one declared topic to its desired state.
public struct TopicPlanEntry: Sendable, Equatable {
    public enum Action: String, Sendable, Codable {
        case create, update, none, refused
    }

    public let desired: TopicSettings
    /// Nil when the topic does not exist.
    public let current: KafkaTopicState?
    /// Set when partitions must be added: the count now and the count declared.
    public let partitionIncrease: TopicPartitionIncrease?
    public let configChanges: [TopicConfigChange]
    /// Differences no API call can remove, such as fewer partitions than the topic has.
    public let refusals: [String]

    public var action: Action {
        if !refusals.isEmpty { return .refused }
        if current == nil { return .create }
        return partitionIncrease != nil || !configChanges.isEmpty ? .update : .none
    }
}
