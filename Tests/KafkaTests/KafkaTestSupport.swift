import Foundation
import Kafka
import Logging
import Synchronization

/// Collects delivery reports from the producer's polling thread.
final class DeliveryLog: Sendable {
    private let reports = Mutex<[KafkaDeliveryReport]>([])

    func record(_ report: KafkaDeliveryReport) {
        reports.withLock { $0.append(report) }
    }

    var all: [KafkaDeliveryReport] { reports.withLock { $0 } }
}

let quietLogger: Logger = {
    var logger = Logger(label: "kafka-tests")
    logger.logLevel = .critical
    return logger
}()

func makeProducer(_ cluster: KafkaMockCluster, _ extra: [String: String] = [:], log: DeliveryLog) throws -> KafkaProducer {
    try KafkaProducer(
        properties: KafkaProperties(["bootstrap.servers": cluster.bootstrapServers].merging(extra) { _, new in new }),
        logger: quietLogger, onDelivery: log.record)
}

/// A short session timeout: the embedded cluster's coordinator waits up to one session timeout before it
/// completes a rebalance, even after the previous member left cleanly.
func makeConsumer(_ cluster: KafkaMockCluster, group: String? = nil) throws -> KafkaConsumer {
    try KafkaConsumer(
        properties: KafkaProperties(["bootstrap.servers": cluster.bootstrapServers, "session.timeout.ms": "6000"]),
        groupID: group,
        logger: quietLogger)
}

/// Reads messages until `count` arrived or `timeout` passed.
func consume(_ consumer: KafkaConsumer, count: Int, timeout: TimeInterval = 60) throws -> [KafkaMessage] {
    var messages: [KafkaMessage] = []
    let deadline = Date().addingTimeInterval(timeout)
    while messages.count < count && Date() < deadline {
        if let message = try consumer.poll(timeout: .milliseconds(100)) {
            messages.append(message)
        }
    }
    return messages
}

func allPartitions(_ topic: String, _ count: Int) -> [KafkaTopicPartitionOffset] {
    (0..<Int32(count)).map { KafkaTopicPartitionOffset(topic: topic, partition: $0, offset: KafkaTopicPartitionOffset.beginning) }
}

/// A logger whose records a test can read: what librdkafka logs arrives here through the client's log callback.
final class LogRecorder: Sendable {
    struct Record: Sendable {
        let level: Logger.Level
        let message: String
        let metadata: Logger.Metadata
    }

    private let records = Mutex<[Record]>([])

    var all: [Record] { records.withLock { $0 } }

    var logger: Logger {
        var logger = Logger(label: "kafka-tests") { _ in Handler(recorder: self) }
        logger.logLevel = .trace
        return logger
    }

    /// librdkafka's configuration warnings (facility CONFWARN).
    var configurationWarnings: [String] {
        all.filter { $0.metadata[KafkaLoggingKeys.facility] == "CONFWARN" }.map(\.message)
    }

    private struct Handler: LogHandler {
        let recorder: LogRecorder
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let metadata = self.metadata.merging(event.metadata ?? [:]) { _, new in new }
            let record = Record(level: event.level, message: event.message.description, metadata: metadata)
            recorder.records.withLock { $0.append(record) }
        }
    }
}
