import Dispatch
import Logging
import Synchronization

/// Consumer lag of one partition.
public struct KafkaPartitionLag: Sendable, Hashable {
    public var topic: String
    public var partition: Int32
    /// The offset the next message written to the partition will get.
    public var highWatermark: Int64
    /// Where the lag counts from: the position asked about, or the low watermark for a logical offset.
    public var position: Int64
    /// Messages written and not yet read past `position`: `highWatermark - position`, never negative.
    public var lag: Int64

    public init(topic: String, partition: Int32, highWatermark: Int64, position: Int64) {
        self.topic = topic
        self.partition = partition
        self.highWatermark = highWatermark
        self.position = position
        lag = max(0, highWatermark - position)
    }
}

extension KafkaConsumer {
    /// Consumer lag of these partitions, each counted from its `offset` (the committed offset, say; a logical offset
    /// such as `KafkaTopicPartitionOffset.beginning` counts from the low watermark).
    ///
    /// Never blocks, so the polling thread may call it. The high watermark is the newer of what the last fetch from
    /// the partition brought and what its leader last answered to a query, which this consumer sends on a queue of
    /// its own at most once per `refreshInterval`. The fetched watermarks alone would be missing until the first
    /// fetch and stale while the partition is paused; the query alone would lag behind a busy partition.
    /// A partition with no watermarks known yet is left out.
    public func lag(of positions: [KafkaTopicPartitionOffset], refreshInterval: Duration = .seconds(5))
        -> [KafkaPartitionLag]
    {
        lagWatermarks.refreshIfDue(positions.map { KafkaTopicPartition($0.topic, $0.partition) }, every: refreshInterval)
        return positions.compactMap { position in
            let key = KafkaTopicPartition(position.topic, position.partition)
            let fetched = client.cachedWatermarks(topic: position.topic, partition: position.partition)
            guard let marks = KafkaWatermarks.newer(fetched.map(KafkaWatermarks.init), lagWatermarks[key]) else {
                return nil
            }
            return KafkaPartitionLag(
                topic: position.topic, partition: position.partition, highWatermark: marks.high,
                position: position.offset >= 0 ? position.offset : marks.low)
        }
    }
}

struct KafkaTopicPartition: Hashable, Sendable {
    let topic: String
    let partition: Int32

    init(_ topic: String, _ partition: Int32) {
        self.topic = topic
        self.partition = partition
    }
}

struct KafkaWatermarks: Sendable, Equatable {
    let low: Int64
    let high: Int64

    init(_ marks: (low: Int64, high: Int64)) {
        low = marks.low
        high = marks.high
    }

    /// A partition's watermarks only grow, so the higher high watermark is the more recent answer.
    static func newer(_ a: KafkaWatermarks?, _ b: KafkaWatermarks?) -> KafkaWatermarks? {
        guard let a, let b else { return a ?? b }
        return a.high >= b.high ? a : b
    }
}

/// The watermarks the partition leaders last answered, asked off the caller's thread: a query waits behind a
/// fetch's long poll on the same connection (up to `fetch.wait.max.ms`) and, with a broker down, for its timeout.
final class KafkaLagWatermarks: Sendable {
    private struct State {
        var answers: [KafkaTopicPartition: KafkaWatermarks] = [:]
        var lastRefresh: ContinuousClock.Instant?
        var refreshing = false
    }

    private let state = Mutex(State())
    private let queue = DispatchQueue(label: "kafka.consumer.lag-watermarks")
    private let client: RDKafkaClient
    private let logger: Logger

    init(client: RDKafkaClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    subscript(partition: KafkaTopicPartition) -> KafkaWatermarks? {
        state.withLock { $0.answers[partition] }
    }

    /// Starts one round of queries unless one is running or the last started less than `interval` ago. The round
    /// keeps answers for these partitions only, so that the table stays as large as the assignment.
    func refreshIfDue(_ partitions: [KafkaTopicPartition], every interval: Duration) {
        let now = ContinuousClock.now
        let due = state.withLock { state in
            guard !state.refreshing, state.lastRefresh.map({ now - $0 >= interval }) ?? true else { return false }
            state.refreshing = true
            state.lastRefresh = now
            return true
        }
        guard due else { return }
        // The closure holds the client, so the handle outlives a query still running when the consumer goes away.
        queue.async { [self] in
            let asked = Set(partitions)
            var answers: [KafkaTopicPartition: KafkaWatermarks] = [:]
            for partition in asked {
                do {
                    answers[partition] = KafkaWatermarks(
                        try client.watermarks(topic: partition.topic, partition: partition.partition, timeout: .seconds(10)))
                } catch {
                    logger.debug("consumer lag: no watermarks for now: \(error)")
                }
            }
            state.withLock { state in
                state.answers = state.answers.filter { asked.contains($0.key) }.merging(answers) { _, new in new }
                state.refreshing = false
            }
        }
    }
}
