import CRdKafka

/// Owns an `rd_kafka_topic_partition_list_t` and destroys it.
final class RDKafkaTopicPartitionList {
    private let pointer: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>

    init(_ elements: [KafkaTopicPartitionOffset]) {
        pointer = rd_kafka_topic_partition_list_new(Int32(max(1, elements.count)))
        for element in elements {
            // The list copies the topic name; the returned element stays owned by the list.
            let added = rd_kafka_topic_partition_list_add(pointer, element.topic, element.partition)!
            added.pointee.offset = element.offset
        }
    }

    /// Takes ownership of a list librdkafka returned.
    init(taking pointer: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) {
        self.pointer = pointer
    }

    deinit {
        rd_kafka_topic_partition_list_destroy(pointer)
    }

    /// Lends the list to a C call; the list lives at least until `body` returns.
    func withPointer<Result>(_ body: (UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) throws -> Result) rethrows
        -> Result
    {
        try withExtendedLifetime(self) { try body(pointer) }
    }

    var elements: [KafkaTopicPartitionOffset] {
        Self.elements(of: pointer)
    }

    /// Reads a list this class does not own, such as the one a rebalance callback is lent.
    static func elements(of pointer: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) -> [KafkaTopicPartitionOffset] {
        (0..<Int(pointer.pointee.cnt)).map { index in
            let element = pointer.pointee.elems[index]
            return KafkaTopicPartitionOffset(
                topic: String(cString: element.topic), partition: element.partition, offset: element.offset)
        }
    }
}
