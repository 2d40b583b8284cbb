import Kafka

/// A topic and partition, as a dictionary key.
struct TopicPartition: Hashable, Comparable, Sendable, CustomStringConvertible {
    let topic: String
    let partition: Int32

    init(topic: String, partition: Int32) {
        self.topic = topic
        self.partition = partition
    }

    init(_ offset: KafkaTopicPartitionOffset) {
        self.init(topic: offset.topic, partition: offset.partition)
    }

    var start: KafkaTopicPartitionOffset { KafkaTopicPartitionOffset(topic: topic, partition: partition, offset: 0) }

    var description: String { "\(topic)/\(partition)" }

    static func < (lhs: TopicPartition, rhs: TopicPartition) -> Bool {
        (lhs.topic, lhs.partition) < (rhs.topic, rhs.partition)
    }
}
