import Kafka
import Logging
import Synchronization

/// The engine's shared state behind one mutex, and the producer's acknowledgements that advance it.
final class StreamAppCore: Sendable {
    private let state: Mutex<StreamAppState>
    private let metrics: StreamAppMetrics
    private let logger: Logger

    init(metrics: StreamAppMetrics, deadLetterTopic: String, logger: Logger) {
        state = Mutex(StreamAppState(deadLetterTopic: deadLetterTopic))
        self.metrics = metrics
        self.logger = logger
    }

    /// Runs `body` under the lock, then publishes the gauges it may have moved.
    func withState<Result>(_ body: (inout StreamAppState) -> Result) -> Result {
        let (result, buffered, abandoned) = state.withLock { state in
            (body(&state), state.buffered, state.abandoned)
        }
        metrics.update {
            $0.inFlight = buffered
            $0.inFlightHighWater = max($0.inFlightHighWater, buffered)
            $0.abandoned = abandoned
        }
        return result
    }

    /// Called on the producer's polling thread for every message it was given.
    func delivered(_ report: KafkaDeliveryReport) {
        let delivery = withState { $0.acknowledge(report) }
        guard let delivery else { return }
        if let error = report.error {
            // Later outputs of the partition may be acknowledged, but its offset can never move past this one:
            // stop, and let the next run redo the uncommitted work.
            logger.error("Kafka did not take an output: \(error)", metadata: ["partition": "\(delivery.partition)", "offset": "\(delivery.offset)"])
            fail(error)
            return
        }
        metrics.update {
            if delivery.isDeadLetter { $0.deadLettered += 1 } else { $0.produced += 1 }
        }
    }

    /// Called on the polling thread, inside `poll` or `close`. Returns the offsets to commit before the revoked
    /// partitions go.
    func rebalanced(_ event: KafkaRebalance) -> [KafkaTopicPartitionOffset] {
        switch event {
        case .assigned(let partitions):
            logger.info("partitions assigned", metadata: ["partitions": "\(partitions.map { "\($0.topic)/\($0.partition)" })"])
            return []
        case .revoked(let partitions):
            let (offsets, abandoned) = withState { state in
                let before = state.abandoned
                let offsets = state.revoke(partitions.map(TopicPartition.init))
                return (offsets, state.abandoned - before)
            }
            logger.info(
                "partitions revoked; committing what Kafka acknowledged, leaving the rest to the next owner",
                metadata: ["partitions": "\(partitions.map { "\($0.topic)/\($0.partition)" })", "abandoned": "\(abandoned)"])
            return offsets
        }
    }

    func fail(_ error: any Error) {
        withState { state in
            if state.failure == nil { state.failure = error }
        }
    }
}

/// Everything in flight, by partition.
struct StreamAppState {
    struct Delivery {
        let partition: TopicPartition
        let generation: Int
        let offset: Int64
        let isDeadLetter: Bool
    }

    let deadLetterTopic: String
    var consuming = false
    var stopRequested = false
    var failure: (any Error)?
    private(set) var partitions: [TopicPartition: PartitionProgress] = [:]
    private var nextGeneration = 0
    /// Read messages waiting for a prediction slot, oldest first.
    var waiting: [(work: StreamAppWork, generation: Int)] = []
    /// Worker tasks running; each takes waiting messages until none is left.
    var predictingWorkers = 0
    private var deliveries: [UInt64: Delivery] = [:]
    private var nextDeliveryID: UInt64 = 1
    private(set) var abandoned = 0

    init(deadLetterTopic: String) {
        self.deadLetterTopic = deadLetterTopic
    }

    /// Read and not yet acknowledged, over all partitions.
    var buffered: Int { partitions.values.reduce(0) { $0 + $1.entries.count } }

    func isCurrent(_ partition: TopicPartition, generation: Int) -> Bool {
        partitions[partition]?.generation == generation
    }

    /// Records a message read and returns the generation its work belongs to. An offset that does not move
    /// forward means the consumer went back to the committed offset: the old work is abandoned.
    mutating func track(_ message: KafkaMessage, partition: TopicPartition) -> Int {
        if let progress = partitions[partition], !progress.continues(with: message.offset) {
            abandon(partition)
        }
        if partitions[partition] == nil {
            nextGeneration += 1
            partitions[partition] = PartitionProgress(generation: nextGeneration)
        }
        partitions[partition]!.add(offset: message.offset)
        return partitions[partition]!.generation
    }

    /// The oldest waiting message that still counts; nil ends the calling worker.
    mutating func nextWaiting() -> (StreamAppWork, Int)? {
        while !waiting.isEmpty {
            let next = waiting.removeFirst()
            if isCurrent(next.work.partition, generation: next.generation) { return next }
        }
        predictingWorkers -= 1
        return nil
    }

    mutating func complete(
        _ partition: TopicPartition, generation: Int, offset: Int64, with message: KafkaOutgoingMessage
    ) -> Bool {
        guard isCurrent(partition, generation: generation) else { return false }
        partitions[partition]!.complete(offset: offset, with: message)
        return true
    }

    /// Outputs of the partition that may go to the producer now, in order, each with its delivery id.
    mutating func takeSendable(_ partition: TopicPartition) -> [(UInt64, KafkaOutgoingMessage)] {
        guard let generation = partitions[partition]?.generation else { return [] }
        return partitions[partition]!.takeSendable().map { offset, message in
            let id = nextDeliveryID
            nextDeliveryID += 1
            deliveries[id] = Delivery(
                partition: partition, generation: generation, offset: offset,
                isDeadLetter: message.topic == deadLetterTopic)
            return (id, message)
        }
    }

    mutating func acknowledge(_ report: KafkaDeliveryReport) -> Delivery? {
        guard let delivery = deliveries.removeValue(forKey: report.id) else { return nil }
        if report.error == nil, isCurrent(delivery.partition, generation: delivery.generation) {
            partitions[delivery.partition]!.acknowledge(offset: delivery.offset)
        }
        return delivery
    }

    /// Offsets to commit: those that moved since the last commit, or, with `all`, every known one (the final
    /// synchronous commit repeats what asynchronous ones may not have finished).
    mutating func takeCommits(all: Bool) -> [KafkaTopicPartitionOffset] {
        var offsets: [KafkaTopicPartitionOffset] = []
        for (partition, progress) in partitions {
            guard let offset = all ? progress.committable : progress.pendingCommit else { continue }
            partitions[partition]!.committed = offset
            offsets.append(KafkaTopicPartitionOffset(topic: partition.topic, partition: partition.partition, offset: offset))
        }
        return offsets
    }

    /// Forgets partitions taken away from this member; returns the offsets Kafka acknowledged, to commit.
    mutating func revoke(_ revoked: [TopicPartition]) -> [KafkaTopicPartitionOffset] {
        var offsets: [KafkaTopicPartitionOffset] = []
        for partition in revoked {
            if let committable = partitions[partition]?.committable {
                offsets.append(KafkaTopicPartitionOffset(topic: partition.topic, partition: partition.partition, offset: committable))
            }
            abandon(partition)
        }
        return offsets
    }

    /// Abandons all unacknowledged work but keeps the committable offsets; returns how many messages.
    mutating func abandonAll() -> Int {
        let before = abandoned
        for partition in Array(partitions.keys) {
            let progress = partitions[partition]!
            abandoned += progress.entries.count
            var kept = PartitionProgress(generation: -1, committable: progress.committable)
            kept.committed = progress.committed
            partitions[partition] = kept
        }
        waiting.removeAll()
        return abandoned - before
    }

    private mutating func abandon(_ partition: TopicPartition) {
        abandoned += partitions.removeValue(forKey: partition)?.entries.count ?? 0
    }
}
