import CRdKafka
import Foundation
import Logging

/// A Kafka consumer: subscribe with a group, or assign partitions; poll; commit.
///
/// Auto-commit is off by default (`enable.auto.commit=false`): callers commit what they have processed, which is
/// what at-least-once processing needs. `poll` blocks: call it from a thread of your own.
public final class KafkaConsumer: Sendable {
    let client: RDKafkaClient
    private let logger: Logger
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
        // Route the main queue's events (rebalances, errors) to the consumer queue served by poll.
        rd_kafka_poll_set_consumer(client.handle)
    }

    public func subscribe(topics: [String]) throws {
        let list = RDKafkaTopicPartitionList(topics.map { KafkaTopicPartitionOffset(topic: $0, partition: RD_KAFKA_PARTITION_UA, offset: 0) })
        let error = rd_kafka_subscribe(client.handle, list.pointer)
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError.rdKafka(error, context: "subscribe to \(topics.joined(separator: ", "))")
        }
    }

    /// Reads exactly these partitions from these offsets (`KafkaTopicPartitionOffset.beginning` and friends work).
    public func assign(_ partitions: [KafkaTopicPartitionOffset]) throws {
        let list = RDKafkaTopicPartitionList(partitions)
        let error = rd_kafka_assign(client.handle, list.pointer)
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError.rdKafka(error, context: "assign")
        }
    }

    /// The partitions currently assigned, by `assign` or by the group.
    public func assignment() throws -> [KafkaTopicPartitionOffset] {
        var raw: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
        let error = rd_kafka_assignment(client.handle, &raw)
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR, let raw else {
            throw KafkaError.rdKafka(error, context: "assignment")
        }
        return RDKafkaTopicPartitionList(taking: raw).elements
    }

    /// The next message, or nil when none arrived within `timeout`. End-of-partition markers and transient errors
    /// (a broker restarting) are logged, not thrown; a fatal error is thrown.
    public func poll(timeout: Duration) throws -> KafkaMessage? {
        guard let message = rd_kafka_consumer_poll(client.handle, timeout.milliseconds) else { return nil }
        defer { rd_kafka_message_destroy(message) }
        let raw = message.pointee
        guard raw.err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            if raw.err == RD_KAFKA_RESP_ERR__PARTITION_EOF { return nil }
            if let fatal = client.fatalError() { throw fatal }
            let error = KafkaError.rdKafka(raw.err, context: "consume")
            if raw.err == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC || raw.err == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED {
                throw error
            }
            logger.warning("\(error)")
            return nil
        }
        return KafkaMessage(message)
    }

    /// Commits offsets, each the next offset to read (last processed + 1). Synchronous unless `async`.
    public func commit(_ offsets: [KafkaTopicPartitionOffset], async: Bool = false) throws {
        guard !offsets.isEmpty else { return }
        let list = RDKafkaTopicPartitionList(offsets)
        let error = rd_kafka_commit(client.handle, list.pointer, async ? 1 : 0)
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError.rdKafka(error, context: "commit")
        }
    }

    /// The group's committed offsets for these partitions (offsets in the argument are ignored).
    public func committed(_ partitions: [KafkaTopicPartitionOffset], timeout: Duration = .seconds(10)) throws
        -> [KafkaTopicPartitionOffset]
    {
        let list = RDKafkaTopicPartitionList(partitions)
        let error = rd_kafka_committed(client.handle, list.pointer, timeout.milliseconds)
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError.rdKafka(error, context: "committed offsets")
        }
        return list.elements
    }

    /// Stops fetching from these partitions (backpressure) without leaving the group.
    public func pause(_ partitions: [KafkaTopicPartitionOffset]) throws {
        let list = RDKafkaTopicPartitionList(partitions)
        let error = rd_kafka_pause_partitions(client.handle, list.pointer)
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError.rdKafka(error, context: "pause") }
    }

    public func resume(_ partitions: [KafkaTopicPartitionOffset]) throws {
        let list = RDKafkaTopicPartitionList(partitions)
        let error = rd_kafka_resume_partitions(client.handle, list.pointer)
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError.rdKafka(error, context: "resume") }
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
    @discardableResult
    public func close() -> KafkaError? {
        let error = rd_kafka_consumer_close(client.handle)
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
            let failure = KafkaError.rdKafka(error, context: "leave the group")
            logger.warning("closing consumer: \(failure)")
            return failure
        }
        return nil
    }
}

/// The outcome of one offset commit.
public struct KafkaCommitResult: Sendable {
    /// Offsets the group coordinator stored.
    public let committed: [KafkaTopicPartitionOffset]
    /// Offsets it did not store; commit them (or later ones) again.
    public let failed: [KafkaTopicPartitionOffset]
    /// Why, when anything failed.
    public let error: KafkaError?
}

/// A change of the partitions a group member owns.
public enum KafkaRebalance: Sendable, Equatable {
    case assigned([KafkaTopicPartitionOffset])
    /// Also reported when the partitions were lost (session timed out); a commit is then skipped.
    case revoked([KafkaTopicPartitionOffset])
}

extension KafkaMessage {
    init(_ message: UnsafeMutablePointer<rd_kafka_message_t>) {
        let raw = message.pointee
        var headers: [KafkaHeader] = []
        var rawHeaders: OpaquePointer?
        if rd_kafka_message_headers(message, &rawHeaders) == RD_KAFKA_RESP_ERR_NO_ERROR, let rawHeaders {
            var index = 0
            var name: UnsafePointer<CChar>?
            var value: UnsafeRawPointer?
            var size = 0
            while rd_kafka_header_get_all(rawHeaders, index, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR {
                headers.append(KafkaHeader(String(cString: name!), value.map { Data(bytes: $0, count: size) }))
                index += 1
            }
        }
        var timestampType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let timestamp = rd_kafka_message_timestamp(message, &timestampType)
        self.init(
            topic: String(cString: rd_kafka_topic_name(raw.rkt)),
            partition: raw.partition,
            offset: raw.offset,
            key: raw.key.map { Data(bytes: $0, count: raw.key_len) },
            value: raw.payload.map { Data(bytes: $0, count: raw.len) } ?? Data(),
            headers: headers,
            timestampMilliseconds: timestampType == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE ? nil : timestamp)
    }
}
