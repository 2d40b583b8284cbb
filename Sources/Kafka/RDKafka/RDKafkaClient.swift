import CRdKafka
import Logging

/// Owns one `rd_kafka_t`. With its siblings in this folder, the only code that calls `rd_kafka_*`; the public types
/// above it never see a C type.
///
/// `@unchecked Sendable`: librdkafka documents its handles as thread-safe, and this class has no mutable state.
final class RDKafkaClient: @unchecked Sendable {
    enum Kind {
        case producer, consumer

        var cValue: rd_kafka_type_t { self == .producer ? RD_KAFKA_PRODUCER : RD_KAFKA_CONSUMER }
    }

    static let errorCapacity = 512

    let handle: OpaquePointer
    let context: RDKafkaClientContext

    /// Builds the configuration and the client. `servesEvents` (producers) turns delivery reports and errors into
    /// events on the main queue, which an `RDKafkaQueue` polls, instead of callbacks.
    /// `onRebalance` (consumers) takes over assigning and revoking partitions; see `KafkaRebalance`.
    /// `onCommit` (consumers) hears the outcome of every offset commit.
    init(
        kind: Kind, properties: KafkaProperties, servesEvents: Bool = false, logger: Logger,
        onRebalance: (@Sendable (KafkaRebalance) -> [KafkaTopicPartitionOffset])? = nil,
        onCommit: (@Sendable (KafkaCommitResult) -> Void)? = nil
    ) throws {
        context = RDKafkaClientContext(logger: logger, onRebalance: onRebalance, onCommit: onCommit)
        let config = try RDKafkaConfig.make(for: kind, properties, logger: logger)
        RDKafkaCallbacks.register(on: config, context: context)
        if servesEvents {
            rd_kafka_conf_set_events(config, RD_KAFKA_EVENT_DR | RD_KAFKA_EVENT_ERROR)
        }
        let errorChars = UnsafeMutablePointer<CChar>.allocate(capacity: Self.errorCapacity)
        defer { errorChars.deallocate() }
        // rd_kafka_new takes ownership of the configuration only when it succeeds.
        guard let handle = rd_kafka_new(kind.cValue, config, errorChars, Self.errorCapacity) else {
            rd_kafka_conf_destroy(config)
            throw KafkaError.config(String(cString: errorChars))
        }
        self.handle = handle
    }

    deinit {
        // For a consumer not yet closed, this leaves the group first (the rebalance callback still runs).
        rd_kafka_destroy(handle)
    }

    func metadata(topic: String?, timeout: Duration) throws -> KafkaClusterMetadata {
        var topicHandle: OpaquePointer?
        if let topic {
            topicHandle = rd_kafka_topic_new(handle, topic, nil)
        }
        defer { if let topicHandle { rd_kafka_topic_destroy(topicHandle) } }
        var raw: UnsafePointer<rd_kafka_metadata>?
        let error = rd_kafka_metadata(handle, topic == nil ? 1 : 0, topicHandle, &raw, timeout.milliseconds)
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR, let raw else {
            throw KafkaError.rdKafka(error, context: "metadata request")
        }
        defer { rd_kafka_metadata_destroy(raw) }
        return KafkaClusterMetadata(raw.pointee)
    }

    func watermarks(topic: String, partition: Int32, timeout: Duration) throws -> (low: Int64, high: Int64) {
        var low: Int64 = 0
        var high: Int64 = 0
        try KafkaError.check(
            rd_kafka_query_watermark_offsets(handle, topic, partition, &low, &high, timeout.milliseconds),
            "watermarks of \(topic)[\(partition)]")
        return (low, high)
    }

    /// The watermarks librdkafka last learnt from fetch responses, with no request; nil before the first fetch.
    func cachedWatermarks(topic: String, partition: Int32) -> (low: Int64, high: Int64)? {
        var low = Int64(RD_KAFKA_OFFSET_INVALID)
        var high = Int64(RD_KAFKA_OFFSET_INVALID)
        let error = rd_kafka_get_watermark_offsets(handle, topic, partition, &low, &high)
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR, high != Int64(RD_KAFKA_OFFSET_INVALID) else { return nil }
        return (low, high)
    }

    /// The error that stopped the client for good (idempotence broken, fencing), if any.
    func fatalError() -> KafkaError? {
        let errorChars = UnsafeMutablePointer<CChar>.allocate(capacity: Self.errorCapacity)
        defer { errorChars.deallocate() }
        let code = rd_kafka_fatal_error(handle, errorChars, Self.errorCapacity)
        guard code != RD_KAFKA_RESP_ERR_NO_ERROR else { return nil }
        return KafkaError(code: .wrapping(code), reason: String(cString: errorChars), isFatal: true)
    }
}
