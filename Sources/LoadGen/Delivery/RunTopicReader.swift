import Foundation
import Kafka
import Logging
import PipelineMessages

/// Reads a topic while the run produces, keeping only this run's messages (by `run-id`), and hands each to a
/// handler on its own thread. Reading during the run, not after it, matters: the embedded cluster keeps only a
/// few megabytes per partition, and a real one may compact or expire data.
///
/// It starts at each partition's end as of its creation, so older messages are never counted.
final class RunTopicReader: Sendable {
    private let consumer: KafkaConsumer
    private let runID: String
    private let handler: @Sendable (KafkaMessage, ContinuousClock.Instant) -> Void
    private let stopRequested = SharedState(false)
    private let finished = DispatchSemaphore(value: 0)

    init(
        topic: String, properties: KafkaProperties, runID: String, logger: Logger,
        handler: @escaping @Sendable (KafkaMessage, ContinuousClock.Instant) -> Void
    ) throws {
        consumer = try KafkaConsumer(properties: properties, logger: logger)
        self.runID = runID
        self.handler = handler
        guard let partitions = try consumer.metadata(topic: topic).topic(named: topic)?.partitions, !partitions.isEmpty else {
            throw LoadGenError("topic \(topic) does not exist or has no partitions", code: .missingTopic)
        }
        try consumer.assign(
            try partitions.map { partition in
                let end = try consumer.watermarks(topic: topic, partition: partition.id).high
                return KafkaTopicPartitionOffset(topic: topic, partition: partition.id, offset: end)
            })
        let thread = Thread { [self] in readLoop() }
        thread.name = "run-topic-reader"
        thread.start()
    }

    private func readLoop() {
        while !stopRequested.withLock({ $0 }) {
            guard let message = try? consumer.poll(timeout: .milliseconds(100)) else { continue }
            guard message.headers.string(named: ImageMessageHeaders.runID) == runID else { continue }
            handler(message, .now)
        }
        consumer.close()
        finished.signal()
    }

    /// Stops reading and waits for the reading thread to leave.
    func stop() {
        stopRequested.withLock { $0 = true }
        finished.wait()
    }
}
