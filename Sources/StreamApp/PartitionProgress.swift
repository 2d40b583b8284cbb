import Kafka

/// What one input partition has in flight, in offset order, and how far it may be committed.
///
/// Outputs leave in input order (an entry is sent only once every earlier one has been sent), and the committable
/// offset only ever covers a contiguous prefix of acknowledged entries: the two rules that make the stream app
/// order-preserving and at-least-once while predictions finish in any order.
struct PartitionProgress {
    enum Stage {
        case predicting
        case ready(KafkaOutgoingMessage)
        case producing
        case acknowledged
    }

    struct Entry {
        let offset: Int64
        let readAt: ContinuousClock.Instant
        var stage: Stage
    }

    /// Bumped whenever work is abandoned (revoked partition, rewind), so late results of old work are ignored.
    let generation: Int
    private(set) var entries: [Entry] = []
    /// The next offset to commit: everything below it was acknowledged by Kafka. Nil until something was.
    private(set) var committable: Int64?
    /// What was last handed to a commit.
    var committed: Int64?

    init(generation: Int, committable: Int64? = nil) {
        self.generation = generation
        self.committable = committable
    }

    var lastOffset: Int64? { entries.last?.offset ?? committable.map { $0 - 1 } }

    /// Whether `offset` continues this partition; an offset at or below one already seen means the consumer
    /// rewound (a rebalance gave the partition back from its committed offset).
    func continues(with offset: Int64) -> Bool {
        guard let lastOffset else { return true }
        return offset > lastOffset
    }

    mutating func add(offset: Int64, readAt: ContinuousClock.Instant) {
        entries.append(Entry(offset: offset, readAt: readAt, stage: .predicting))
    }

    mutating func complete(offset: Int64, with message: KafkaOutgoingMessage) {
        guard let index = index(of: offset), case .predicting = entries[index].stage else { return }
        entries[index].stage = .ready(message)
    }

    /// The messages that may be sent now, in offset order, marked as being produced.
    mutating func takeSendable() -> [(offset: Int64, message: KafkaOutgoingMessage)] {
        var sendable: [(offset: Int64, message: KafkaOutgoingMessage)] = []
        for index in entries.indices {
            switch entries[index].stage {
            case .predicting:
                return sendable
            case .ready(let message):
                sendable.append((entries[index].offset, message))
                entries[index].stage = .producing
            case .producing, .acknowledged:
                continue
            }
        }
        return sendable
    }

    /// Records Kafka's acknowledgement and advances the committable offset over the acknowledged prefix.
    mutating func acknowledge(offset: Int64) {
        guard let index = index(of: offset) else { return }
        entries[index].stage = .acknowledged
        let prefix = entries.prefix { if case .acknowledged = $0.stage { return true } else { return false } }
        if let last = prefix.last {
            committable = last.offset + 1
            entries.removeFirst(prefix.count)
        }
    }

    /// A commit of `offset` failed: commit it again at the next turn, unless a later one is already under way.
    mutating func commitFailed(offset: Int64) {
        if committed == offset { committed = nil }
    }

    /// The offset to commit, if it moved since the last commit.
    var pendingCommit: Int64? {
        guard let committable, committable != committed else { return nil }
        return committable
    }

    private func index(of offset: Int64) -> Int? {
        entries.firstIndex { $0.offset == offset }
    }
}
