import Foundation
import Logging
import Synchronization

/// A Kafka consumer: subscribe with a group, or assign partitions; poll; commit.
///
/// Auto-commit is off by default (`enable.auto.commit=false`): callers commit what they have processed, which is
/// what at-least-once processing needs. `poll` blocks: call it from a thread of your own. Properties that only
/// producers read are left out, so one set of properties can serve both.
///
/// The consumer has no thread of its own: callbacks run inside `poll`, `commit` and `close` on the caller's
/// thread. Released without `close()`, it closes in its `deinit`, so it still leaves its group at once and the
/// rebalance handler still commits what it returns for the revoked partitions.
public final class KafkaConsumer: Sendable {
    let client: RDKafkaClient
    private let logger: Logger
    private let closed = Mutex(false)
    let lagWatermarks: KafkaLagWatermarks

    public static let defaultProperties = KafkaProperties([
        "enable.auto.commit": "false",
        "auto.offset.reset": "earliest",
    ])

    /// `groupID` is required for `subscribe` and `commit`; plain `assign` works without one.
    ///
    /// `onRebalance`, for a subscribed group member, is called on the polling thread (inside `poll`) when the group
    /// gives it partitions and before it takes them away; for a revocation it returns the offsets to commit (the
    /// next offsets to read), which are committed synchronously while the partitions are still this member's.
    ///
    /// `onCommit` is called on the polling thread with the outcome of every commit, asynchronous or not.
    public init(
        properties: KafkaProperties, groupID: String? = nil, logger: Logger,
        onRebalance: (@Sendable (KafkaRebalance) -> [KafkaTopicPartitionOffset])? = nil,
        onCommit: (@Sendable (KafkaCommitResult) -> Void)? = nil
    ) throws {
        KafkaLibrary.warnIfUntested(properties: properties, logger: logger)
        var merged = Self.defaultProperties.merging(properties)
        // librdkafka refuses even a plain assign without a group id; a reader that never commits gets its own.
        merged["group.id"] = groupID ?? merged["group.id"] ?? "image-pipeline-reader-\(UUID().uuidString)"
        client = try RDKafkaClient(
            kind: .consumer, properties: merged, logger: logger, onRebalance: onRebalance, onCommit: onCommit)
        self.logger = logger
        lagWatermarks = KafkaLagWatermarks(client: client, logger: logger)
        client.routeEventsToConsumerQueue()
    }

    deinit {
        if !closed.withLock({ $0 }) {
            logger.debug("consumer released without close(); closing it")
            close()
        }
    }

    public func subscribe(topics: [String]) throws {
        try client.subscribe(topics: topics)
    }

    /// Reads exactly these partitions from these offsets (`KafkaTopicPartitionOffset.beginning` and friends work).
    public func assign(_ partitions: [KafkaTopicPartitionOffset]) throws {
        try client.assign(partitions)
    }

    /// The partitions currently assigned, by `assign` or by the group.
    public func assignment() throws -> [KafkaTopicPartitionOffset] {
        try client.assignment()
    }

    /// The next message, or nil when none arrived within `timeout`. End-of-partition markers and transient errors
    /// (a broker restarting) are logged, not thrown; a fatal error, a missing topic or a refused one is thrown.
    public func poll(timeout: Duration) throws -> KafkaMessage? {
        switch client.consumerPoll(timeout: timeout) {
        case .message(let message):
            return message
        case .nothing:
            return nil
        case .error(let error):
            if error.isFatal || error.code == .unknownTopic || error.code == .topicAuthorizationFailed {
                throw error
            }
            logger.warning("\(error)")
            return nil
        }
    }

    /// Commits offsets, each the next offset to read (last processed + 1). Synchronous unless `async`.
    public func commit(_ offsets: [KafkaTopicPartitionOffset], async: Bool = false) throws {
        guard !offsets.isEmpty else { return }
        try client.commit(offsets, async: async)
    }

    /// The group's committed offsets for these partitions (offsets in the argument are ignored).
    public func committed(_ partitions: [KafkaTopicPartitionOffset], timeout: Duration = .seconds(10)) throws
        -> [KafkaTopicPartitionOffset]
    {
        try client.committed(partitions, timeout: timeout)
    }

    /// Stops fetching from these partitions (backpressure) without leaving the group.
    public func pause(_ partitions: [KafkaTopicPartitionOffset]) throws {
        try client.pause(partitions)
    }

    public func resume(_ partitions: [KafkaTopicPartitionOffset]) throws {
        try client.resume(partitions)
    }

    /// Low and high watermarks as the partition leader reports them; `high - committed` is the consumer lag.
    public func watermarks(topic: String, partition: Int32, timeout: Duration = .seconds(10)) throws -> (
        low: Int64, high: Int64
    ) {
        try client.watermarks(topic: topic, partition: partition, timeout: timeout)
    }

    /// The watermarks as of the last fetch from this partition, read locally: cheap enough to call on every
    /// metrics scrape, unlike `watermarks`, which asks the leader (and on a busy connection waits behind a fetch's
    /// long poll). Nil until the partition has been fetched from.
    public func cachedWatermarks(topic: String, partition: Int32) -> (low: Int64, high: Int64)? {
        client.cachedWatermarks(topic: topic, partition: partition)
    }

    public func metadata(topic: String? = nil, timeout: Duration = .seconds(10)) throws -> KafkaClusterMetadata {
        try client.metadata(topic: topic, timeout: timeout)
    }

    /// Leaves the group cleanly (its partitions are reassigned at once rather than after a session timeout).
    /// Returns why that did not work out (for example the leave timed out), for callers that report it.
    /// Calling it again does nothing.
    @discardableResult
    public func close() -> KafkaError? {
        guard closed.withLock({ done in defer { done = true }; return !done }) else { return nil }
        let error = client.closeConsumer()
        if let error {
            logger.warning("closing consumer: \(error)")
        }
        return error
    }
}
