import Foundation
import Kafka

/// Outputs on their way to Kafka: recorded in the partition's progress, then handed to the producer on the serial
/// `sendQueue`, in input order per partition.
extension StreamAppEngine {
    func finish(_ item: StreamAppWorkItem, with outgoing: KafkaOutgoingMessage) {
        finish([(item, outgoing)])
    }

    /// Records the outputs and hands what became sendable to the producer, with one hop to the send queue per
    /// batch rather than per image.
    func finish(_ outputs: [(StreamAppWorkItem, KafkaOutgoingMessage)]) {
        let partitions = core.withState { state in
            Set(outputs.filter { item, outgoing in
                state.complete(item.work.partition, generation: item.generation, offset: item.work.message.offset, with: outgoing)
            }.map { item, _ in item.work.partition })
        }
        guard !partitions.isEmpty else { return }
        sendQueue.async { [self] in
            for partition in partitions.sorted() { send(partition) }
        }
    }

    /// Runs on `sendQueue` only, so outputs of a partition reach the producer in offset order.
    private func send(_ partition: TopicPartition) {
        let batch = core.withState { $0.takeSendable(partition) }
        for (id, message) in batch {
            do {
                try producer.send(message, id: id)
            } catch {
                core.fail(error)
                return
            }
        }
    }
}
