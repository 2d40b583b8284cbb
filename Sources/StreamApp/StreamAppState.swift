import Kafka

/// Everything in flight, by partition.
struct StreamAppState {
    struct Delivery {
        let partition: TopicPartition
        let generation: Int
        let offset: Int64
        let isDeadLetter: Bool
    }

    let deadLetterTopic: String
    var health: ModelHealth
    var consuming = false
    var stopRequested = false
    var failure: (any Error)?
    /// The partitions the group gave this member, and how often that changed (an assignment starts unpaused).
    var assigned = Set<TopicPartition>()
    var assignmentChanges = 0
    /// The last time pending work moved: a model call returned or Kafka acknowledged an output.
    var lastProgress = ContinuousClock.now
    /// The last turn of the polling thread.
    var lastPoll = ContinuousClock.now
    private(set) var partitions: [TopicPartition: PartitionProgress] = [:]
    private var nextGeneration = 0
    /// Read messages waiting for a prediction slot, oldest first.
    var waiting: [StreamAppWorkItem] = []
    /// Worker tasks running; each takes waiting messages until none is left.
    var predictingWorkers = 0
    /// Workers waiting (`batchLinger`) to fill their batch: they will take what arrives meanwhile.
    var lingeringWorkers = 0
    private var deliveries: [UInt64: Delivery] = [:]
    private var nextDeliveryID: UInt64 = 1
    private(set) var abandoned = 0

    init(deadLetterTopic: String, health: ModelHealth) {
        self.deadLetterTopic = deadLetterTopic
        self.health = health
    }

    /// Read and not yet acknowledged, over all partitions.
    var buffered: Int { partitions.values.reduce(0) { $0 + $1.entries.count } }

    /// When the oldest message still in flight was read.
    var oldestInFlight: ContinuousClock.Instant? { partitions.values.compactMap { $0.entries.first?.readAt }.min() }

    func isCurrent(_ partition: TopicPartition, generation: Int) -> Bool {
        partitions[partition]?.generation == generation
    }

    /// Records a message read and returns the generation its work belongs to. An offset that does not move
    /// forward means the consumer went back to the committed offset: the old work is abandoned.
    mutating func track(_ message: KafkaMessage, partition: TopicPartition, readAt: ContinuousClock.Instant) -> Int {
        if let progress = partitions[partition], !progress.continues(with: message.offset) {
            abandon(partition)
        }
        if partitions[partition] == nil {
            nextGeneration += 1
            partitions[partition] = PartitionProgress(generation: nextGeneration)
        }
        partitions[partition]!.add(offset: message.offset, readAt: readAt)
        return partitions[partition]!.generation
    }

    /// Up to `limit` of the oldest waiting messages that still count, for one model request. With `endingWorker`,
    /// finding none ends the calling worker in the same step, so a message read meanwhile starts a new one.
    mutating func takeWaiting(limit: Int, endingWorker: Bool) -> [StreamAppWorkItem] {
        var taken: [StreamAppWorkItem] = []
        var index = 0
        while index < waiting.count && taken.count < limit {
            let next = waiting[index]
            if isCurrent(next.work.partition, generation: next.generation) { taken.append(next) }
            index += 1
        }
        waiting.removeFirst(index)
        if taken.isEmpty && endingWorker { predictingWorkers -= 1 }
        return taken
    }

    /// Whether waiting messages need one more worker: none is lingering to take them, or more wait than a
    /// batch holds. Counts the new worker when it does.
    mutating func startsWorker(concurrency: Int, batchSize: Int) -> Bool {
        guard !waiting.isEmpty, predictingWorkers < concurrency,
            lingeringWorkers == 0 || waiting.count >= batchSize
        else { return false }
        predictingWorkers += 1
        return true
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
        lastProgress = .now
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

    mutating func commitFailed(_ offset: KafkaTopicPartitionOffset) {
        partitions[TopicPartition(offset)]?.commitFailed(offset: offset.offset)
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
