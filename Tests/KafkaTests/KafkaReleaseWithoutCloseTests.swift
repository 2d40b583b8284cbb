import Foundation
import Kafka
import Logging
import Synchronization
import Testing

/// What happens to clients released without `close()`, as when an error is thrown before it.
@Suite(.timeLimit(.minutes(3)))
struct KafkaReleaseWithoutCloseTests {
    @Test func aReleasedProducerFlushesItsMessages() throws {
        let cluster = try KafkaMockCluster(brokers: 1)
        try cluster.createTopic("released", partitions: 2)
        let log = DeliveryLog()
        let recorder = LogRecorder()
        try produce(count: 300, to: "released", properties: ["bootstrap.servers": cluster.bootstrapServers], log: log, logger: recorder.logger)

        #expect(log.all.count == 300 && log.all.allSatisfy { $0.error == nil })
        let consumer = try makeConsumer(cluster)
        try consumer.assign(allPartitions("released", 2))
        let messages = try consume(consumer, count: 300)
        consumer.close()
        #expect(Set(messages.map { String(decoding: $0.value, as: UTF8.self) }) == Set((0..<300).map { "m\($0)" }))
        #expect(!recorder.all.contains { $0.level >= .error })
    }

    @Test func aReleasedProducerThatCannotDeliverSaysHowManyMessagesItLost() throws {
        let log = DeliveryLog()
        let recorder = LogRecorder()
        try produce(
            count: 10, to: "nowhere", properties: ["bootstrap.servers": "127.0.0.1:1", "message.timeout.ms": "500"],
            log: log, logger: recorder.logger)

        #expect(log.all.count == 10 && log.all.allSatisfy { $0.error != nil }, "each lost message was reported")
        let loss = recorder.all.filter { $0.level == .error && $0.message.contains("released without close()") }
        #expect(loss.count == 1)
        #expect(loss.first?.metadata[KafkaLoggingKeys.undeliveredMessages] == "10")
        #expect(loss.first?.message.contains("10 of 10 messages were not delivered") == true)
    }

    @Test func aReleasedConsumerLeavesItsGroupAndCommitsWhatItsHandlerReturns() throws {
        let cluster = try KafkaMockCluster(brokers: 1)
        try cluster.createTopic("left", partitions: 1)
        let properties = KafkaProperties(["bootstrap.servers": cluster.bootstrapServers, "session.timeout.ms": "6000"])
        let revoked = Mutex(false)
        var member: KafkaConsumer? = try KafkaConsumer(properties: properties, groupID: "leavers", logger: quietLogger) {
            event in
            guard case .revoked(let partitions) = event else { return [] }
            revoked.withLock { $0 = true }
            return partitions.map { KafkaTopicPartitionOffset(topic: $0.topic, partition: $0.partition, offset: 3) }
        }
        try member?.subscribe(topics: ["left"])
        let deadline = Date().addingTimeInterval(60)
        while try member?.assignment().isEmpty == true && Date() < deadline {
            _ = try member?.poll(timeout: .milliseconds(100))
        }
        #expect(try member?.assignment().count == 1)
        member = nil

        #expect(revoked.withLock { $0 })
        let reader = try makeConsumer(cluster, group: "leavers")
        let committed = try reader.committed([KafkaTopicPartitionOffset(topic: "left", partition: 0, offset: 0)])
        reader.close()
        #expect(committed.map(\.offset) == [3])
    }

    /// The polling thread cannot wait for itself: it goes on serving the reports, and ends when none is left.
    @Test func aProducerReleasedByItsOwnDeliveryHandlerKeepsReporting() throws {
        let cluster = try KafkaMockCluster(brokers: 1)
        try cluster.createTopic("self-released", partitions: 1)
        let log = DeliveryLog()
        let recorder = LogRecorder()
        let holder = Mutex<KafkaProducer?>(nil)
        // With the broker down, no report can come before the test lets go of its own reference.
        try cluster.setBrokerDown(1)
        do {
            let producer = try KafkaProducer(
                properties: KafkaProperties(["bootstrap.servers": cluster.bootstrapServers]), logger: recorder.logger
            ) { report in
                log.record(report)
                // Taken out under the lock, released here: on the polling thread, when this was the last reference.
                let released = holder.withLock { held in
                    defer { held = nil }
                    return held
                }
                _ = released
            }
            holder.withLock { $0 = producer }
            for index in 0..<100 {
                try producer.send(KafkaOutgoingMessage(topic: "self-released", value: Data("m\(index)".utf8)), id: UInt64(index))
            }
        }
        try cluster.setBrokerUp(1)
        let deadline = Date().addingTimeInterval(60)
        while log.all.count < 100 && Date() < deadline { usleep(10_000) }
        #expect(log.all.count == 100 && log.all.allSatisfy { $0.error == nil })
        #expect(recorder.all.contains { $0.message.contains("released inside its own delivery handler") })
    }

    /// Sends from a producer that is gone when this returns, never closed.
    private func produce(
        count: Int, to topic: String, properties: [String: String], log: DeliveryLog, logger: Logger
    ) throws {
        let producer = try KafkaProducer(properties: KafkaProperties(properties), logger: logger, onDelivery: log.record)
        for index in 0..<count {
            try producer.send(KafkaOutgoingMessage(topic: topic, value: Data("m\(index)".utf8)), id: UInt64(index))
        }
    }
}
