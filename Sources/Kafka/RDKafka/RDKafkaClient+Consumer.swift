import CRdKafka

extension RDKafkaClient {
    /// What one consumer poll brought.
    enum PollResult {
        case message(KafkaMessage)
        /// Nothing within the timeout, or an end-of-partition marker.
        case nothing
        case error(KafkaError)
    }

    /// Routes the main queue's events (rebalances, errors) to the consumer queue that `consumerPoll` serves.
    func routeEventsToConsumerQueue() {
        rd_kafka_poll_set_consumer(handle)
    }

    func subscribe(topics: [String]) throws {
        let list = RDKafkaTopicPartitionList(
            topics.map { KafkaTopicPartitionOffset(topic: $0, partition: RD_KAFKA_PARTITION_UA, offset: 0) })
        try KafkaError.check(
            list.withPointer { rd_kafka_subscribe(handle, $0) }, "subscribe to \(topics.joined(separator: ", "))")
    }

    func assign(_ partitions: [KafkaTopicPartitionOffset]) throws {
        try KafkaError.check(
            RDKafkaTopicPartitionList(partitions).withPointer { rd_kafka_assign(handle, $0) }, "assign")
    }

    func assignment() throws -> [KafkaTopicPartitionOffset] {
        var raw: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
        let error = rd_kafka_assignment(handle, &raw)
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR, let raw else {
            throw KafkaError.rdKafka(error, context: "assignment")
        }
        return RDKafkaTopicPartitionList(taking: raw).elements
    }

    /// Serves the consumer queue (rebalance and commit callbacks run here) and returns the next message.
    func consumerPoll(timeout: Duration) -> PollResult {
        guard let message = rd_kafka_consumer_poll(handle, timeout.milliseconds) else { return .nothing }
        defer { rd_kafka_message_destroy(message) }
        let error = message.pointee.err
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
            if error == RD_KAFKA_RESP_ERR__PARTITION_EOF { return .nothing }
            return .error(fatalError() ?? KafkaError.rdKafka(error, context: "consume"))
        }
        return .message(KafkaMessage(message))
    }

    func commit(_ offsets: [KafkaTopicPartitionOffset], async: Bool) throws {
        try KafkaError.check(
            RDKafkaTopicPartitionList(offsets).withPointer { rd_kafka_commit(handle, $0, async ? 1 : 0) }, "commit")
    }

    func committed(_ partitions: [KafkaTopicPartitionOffset], timeout: Duration) throws -> [KafkaTopicPartitionOffset] {
        let list = RDKafkaTopicPartitionList(partitions)
        try KafkaError.check(
            list.withPointer { rd_kafka_committed(handle, $0, timeout.milliseconds) }, "committed offsets")
        return list.elements
    }

    func pause(_ partitions: [KafkaTopicPartitionOffset]) throws {
        try KafkaError.check(
            RDKafkaTopicPartitionList(partitions).withPointer { rd_kafka_pause_partitions(handle, $0) }, "pause")
    }

    func resume(_ partitions: [KafkaTopicPartitionOffset]) throws {
        try KafkaError.check(
            RDKafkaTopicPartitionList(partitions).withPointer { rd_kafka_resume_partitions(handle, $0) }, "resume")
    }

    /// Leaves the group: revokes the assignment (through the rebalance callback) and commits as configured.
    /// Returns why that failed, if it did.
    func closeConsumer() -> KafkaError? {
        let error = rd_kafka_consumer_close(handle)
        return error == RD_KAFKA_RESP_ERR_NO_ERROR ? nil : KafkaError.rdKafka(error, context: "leave the group")
    }
}
