import Foundation
import Kafka
import Testing

@Suite(.timeLimit(.minutes(2)))
struct KafkaPropertyScopeTests {
    /// One set of properties, as `kafka.properties` or `-X` give it, with some of each kind.
    static let mixed = [
        "enable.idempotence": "true", "linger.ms": "10", "acks": "all", "compression.type": "lz4",
        "partitioner": "murmur2_random", "message.timeout.ms": "30000", "retry.backoff.ms": "100",
        "fetch.wait.max.ms": "10", "auto.offset.reset": "latest", "session.timeout.ms": "6000",
        "enable.auto.commit": "false", "max.poll.interval.ms": "60000", "group.id": "scoped",
        "client.id": "scope-test", "socket.keepalive.enable": "true",
    ]

    @Test func aConsumerAndAProducerFromOneMixedSetLogNoConfigurationWarning() throws {
        let cluster = try KafkaMockCluster(brokers: 1)
        let recorder = LogRecorder()
        let properties = KafkaProperties(Self.mixed.merging(["bootstrap.servers": cluster.bootstrapServers]) { _, new in new })
        let producer = try KafkaProducer(properties: properties, logger: recorder.logger, onDelivery: { _ in })
        let consumer = try KafkaConsumer(properties: properties, logger: recorder.logger)
        consumer.close()
        producer.close()
        #expect(recorder.configurationWarnings == [])
    }

    /// The recorder does hear librdkafka's configuration warnings, so the test above can fail.
    @Test func aDeprecatedPropertyStillWarns() throws {
        let cluster = try KafkaMockCluster(brokers: 1)
        let recorder = LogRecorder()
        let properties = KafkaProperties([
            "bootstrap.servers": cluster.bootstrapServers, "topic.metadata.refresh.fast.cnt": "5",
        ])
        let producer = try KafkaProducer(properties: properties, logger: recorder.logger, onDelivery: { _ in })
        producer.close()
        #expect(recorder.configurationWarnings.contains { $0.contains("topic.metadata.refresh.fast.cnt") })
    }

    @Test func aPropertyOfTheOtherKindIsStillCheckedByTheKindThatReadsIt() {
        let properties = KafkaProperties(["bootstrap.servers": "127.0.0.1:1", "fetch.wait.max.ms": "not a number"])
        #expect(throws: KafkaError.self) { try KafkaConsumer(properties: properties, logger: quietLogger) }
        let producer = try? KafkaProducer(properties: properties, logger: quietLogger, onDelivery: { _ in })
        #expect(producer != nil, "a producer never reads fetch.wait.max.ms")
        producer?.close(timeout: .zero)
    }
}
