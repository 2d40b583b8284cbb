import Dispatch
import Logging
import Synchronization

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
