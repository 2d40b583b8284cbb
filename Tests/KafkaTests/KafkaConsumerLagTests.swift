import Foundation
import Kafka
import Testing

@Suite(.timeLimit(.minutes(3)))
struct KafkaConsumerLagTests {
    @Test func lagCountsFromTheCommittedOffsetAndGrowsWhilePaused() throws {
        let cluster = try KafkaMockCluster(brokers: 1)
        try cluster.createTopic("lagging", partitions: 2)
        let log = DeliveryLog()
        let producer = try makeProducer(cluster, log: log)
        for index in 0..<13 {
            let message = KafkaOutgoingMessage(topic: "lagging", partition: index < 10 ? 0 : 1, value: Data("m\(index)".utf8))
            try producer.send(message, id: UInt64(index))
        }
        try producer.flush(timeout: .seconds(30))

        let consumer = try makeConsumer(cluster, group: "lag-meter")
        try consumer.assign([KafkaTopicPartitionOffset(topic: "lagging", partition: 0, offset: KafkaTopicPartitionOffset.beginning)])
        #expect(try consume(consumer, count: 4).count == 4)
        try consumer.commit([KafkaTopicPartitionOffset(topic: "lagging", partition: 0, offset: 4)])
        // Partition 1 is never fetched from here: its lag comes from asking its leader alone.
        let positions = [
            KafkaTopicPartitionOffset(topic: "lagging", partition: 0, offset: 4),
            KafkaTopicPartitionOffset(topic: "lagging", partition: 1, offset: KafkaTopicPartitionOffset.beginning),
        ]
        let expected = [
            KafkaPartitionLag(topic: "lagging", partition: 0, highWatermark: 10, position: 4),
            KafkaPartitionLag(topic: "lagging", partition: 1, highWatermark: 3, position: 0),
        ]
        #expect(try lag(consumer, positions, until: expected) == expected)
        #expect(expected.map(\.lag) == [6, 3])

        // Paused, the partition is not fetched, so only the leader's answer tells that the lag grew.
        try consumer.pause([positions[0]])
        for index in 13..<18 {
            let message = KafkaOutgoingMessage(topic: "lagging", partition: 0, value: Data("m\(index)".utf8))
            try producer.send(message, id: UInt64(index))
        }
        producer.close()
        #expect(log.all.allSatisfy { $0.error == nil } && log.all.count == 18)
        let grown = [KafkaPartitionLag(topic: "lagging", partition: 0, highWatermark: 15, position: 4)]
        #expect(try lag(consumer, [positions[0]], until: grown).first?.lag == 11)
        consumer.close()
    }

    /// Asks until the answer is `expected` or 20 s passed; returns the last answer.
    private func lag(
        _ consumer: KafkaConsumer, _ positions: [KafkaTopicPartitionOffset], until expected: [KafkaPartitionLag]
    ) throws -> [KafkaPartitionLag] {
        var lags: [KafkaPartitionLag] = []
        let deadline = Date().addingTimeInterval(20)
        while lags != expected && Date() < deadline {
            // Polling keeps the consumer's fetches going, as an application's poll loop does.
            _ = try consumer.poll(timeout: .milliseconds(50))
            lags = consumer.lag(of: positions, refreshInterval: .milliseconds(100))
        }
        return lags
    }
}
