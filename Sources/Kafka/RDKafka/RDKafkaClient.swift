import CRdKafka
import Foundation
import Logging

/// What librdkafka's callbacks need from Swift. It outlives the handle (the client owns both and destroys the
/// handle first), so it is registered with `passUnretained`.
final class RDKafkaClientContext: Sendable {
    let logger: Logger
    let onRebalance: (@Sendable (KafkaRebalance) -> [KafkaTopicPartitionOffset])?
    let onCommit: (@Sendable (KafkaCommitResult) -> Void)?

    init(
        logger: Logger, onRebalance: (@Sendable (KafkaRebalance) -> [KafkaTopicPartitionOffset])? = nil,
        onCommit: (@Sendable (KafkaCommitResult) -> Void)? = nil
    ) {
        self.logger = logger
        self.onRebalance = onRebalance
        self.onCommit = onCommit
    }
}

/// Owns one `rd_kafka_t`. The only type, with its siblings in this folder, that calls `rd_kafka_*`.
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

    /// Builds the configuration and the client. `events` selects what the main queue delivers as events
    /// (`RD_KAFKA_EVENT_DR`, ...) instead of callbacks.
    /// `onRebalance` (consumers) takes over assigning and revoking partitions; see `KafkaRebalance`.
    /// `onCommit` (consumers) hears the outcome of every offset commit.
    init(
        kind: Kind, properties: KafkaProperties, events: Int32 = 0, logger: Logger,
        onRebalance: (@Sendable (KafkaRebalance) -> [KafkaTopicPartitionOffset])? = nil,
        onCommit: (@Sendable (KafkaCommitResult) -> Void)? = nil
    ) throws {
        context = RDKafkaClientContext(logger: logger, onRebalance: onRebalance, onCommit: onCommit)
        let config = try Self.makeConfig(properties)
        // One opaque slot per configuration, shared by every callback below.
        rd_kafka_conf_set_opaque(config, Unmanaged.passUnretained(context).toOpaque())
        rd_kafka_conf_set_log_cb(config, rdKafkaLog)
        rd_kafka_conf_set_error_cb(config, rdKafkaErrorCallback)
        if onRebalance != nil {
            rd_kafka_conf_set_rebalance_cb(config, rdKafkaRebalance)
        }
        if onCommit != nil {
            rd_kafka_conf_set_offset_commit_cb(config, rdKafkaOffsetCommit)
        }
        if events != 0 {
            rd_kafka_conf_set_events(config, events)
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
        rd_kafka_destroy(handle)
    }

    /// Creates an `rd_kafka_conf_t` the caller owns. Unknown properties and bad values are errors that name the
    /// property, never its value when that is a secret.
    static func makeConfig(_ properties: KafkaProperties) throws -> OpaquePointer {
        let config = rd_kafka_conf_new()!
        let errorChars = UnsafeMutablePointer<CChar>.allocate(capacity: errorCapacity)
        defer { errorChars.deallocate() }
        for key in properties.values.keys.sorted() {
            let value = properties.values[key]!
            if rd_kafka_conf_set(config, key, value, errorChars, errorCapacity) != RD_KAFKA_CONF_OK {
                rd_kafka_conf_destroy(config)
                var message = String(cString: errorChars)
                if KafkaProperties.isSecret(key), !value.isEmpty {
                    message = message.replacingOccurrences(of: value, with: "[redacted]")
                }
                throw KafkaError.config("property \(key): \(message)")
            }
        }
        return config
    }

    var name: String { String(cString: rd_kafka_name(handle)) }

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
        let error = rd_kafka_query_watermark_offsets(handle, topic, partition, &low, &high, timeout.milliseconds)
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError.rdKafka(error, context: "watermarks of \(topic)[\(partition)]")
        }
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

extension Duration {
    /// Whole milliseconds, clamped to what librdkafka's `int timeout_ms` parameters take.
    var milliseconds: Int32 {
        let (seconds, attoseconds) = components
        let total = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        return Int32(clamping: total)
    }
}

private func context(of handle: OpaquePointer?) -> RDKafkaClientContext? {
    guard let handle, let opaque = rd_kafka_opaque(handle) else { return nil }
    return Unmanaged<RDKafkaClientContext>.fromOpaque(opaque).takeUnretainedValue()
}

/// librdkafka's syslog levels mapped onto swift-log's. Called on librdkafka's own threads.
private func rdKafkaLog(handle: OpaquePointer?, level: Int32, facility: UnsafePointer<CChar>?, message: UnsafePointer<CChar>?) {
    guard let context = context(of: handle), let message else { return }
    let swiftLevel: Logger.Level =
        switch level {
        case ...3: .error
        case 4: .warning
        case 5, 6: .info
        default: .debug
        }
    context.logger.log(
        level: swiftLevel, "\(String(cString: message))",
        metadata: [KafkaLoggingKeys.facility: "\(facility.map { String(cString: $0) } ?? "")"])
}

private func rdKafkaErrorCallback(
    handle: OpaquePointer?, code: Int32, reason: UnsafePointer<CChar>?, opaque: UnsafeMutableRawPointer?
) {
    guard let opaque else { return }
    let context = Unmanaged<RDKafkaClientContext>.fromOpaque(opaque).takeUnretainedValue()
    let error = rd_kafka_resp_err_t(code)
    // Connection errors repeat while a broker is down and librdkafka recovers from them by itself.
    let level: Logger.Level = error == RD_KAFKA_RESP_ERR__FATAL ? .error : .warning
    context.logger.log(
        level: level, "\(reason.map { String(cString: $0) } ?? String(cString: rd_kafka_err2str(error)))",
        metadata: [KafkaLoggingKeys.errorCode: "\(String(cString: rd_kafka_err2name(error)))"])
}

/// Runs inside `rd_kafka_consumer_poll`, on the polling thread. With a rebalance callback set, librdkafka leaves the
/// (un)assignment to us: eager protocols replace the whole assignment, the cooperative one changes it incrementally.
private func rdKafkaRebalance(
    handle: OpaquePointer?, error: rd_kafka_resp_err_t,
    partitions: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?, opaque: UnsafeMutableRawPointer?
) {
    guard let handle, let partitions, let opaque else { return }
    let context = Unmanaged<RDKafkaClientContext>.fromOpaque(opaque).takeUnretainedValue()
    let elements = RDKafkaTopicPartitionList.elements(of: partitions)
    let cooperative = String(cString: rd_kafka_rebalance_protocol(handle)) == "COOPERATIVE"
    if error == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS {
        if cooperative {
            checkRebalance(rd_kafka_incremental_assign(handle, partitions), context: context)
        } else {
            rd_kafka_assign(handle, partitions)
        }
        _ = context.onRebalance?(.assigned(elements))
        return
    }
    // Revoked (or lost): the owner commits what it finished while the partitions are still its own.
    let offsets = context.onRebalance?(.revoked(elements)) ?? []
    if !offsets.isEmpty, rd_kafka_assignment_lost(handle) == 0 {
        let list = RDKafkaTopicPartitionList(offsets)
        let commitError = rd_kafka_commit(handle, list.pointer, 0)
        if commitError != RD_KAFKA_RESP_ERR_NO_ERROR {
            context.logger.warning("commit before giving up partitions: \(KafkaError.rdKafka(commitError, context: "commit"))")
        }
    }
    if cooperative {
        checkRebalance(rd_kafka_incremental_unassign(handle, partitions), context: context)
    } else {
        rd_kafka_assign(handle, nil)
    }
}

/// Runs on the polling thread (inside `poll`, or a synchronous commit) once per commit, asynchronous or not.
private func rdKafkaOffsetCommit(
    handle: OpaquePointer?, error: rd_kafka_resp_err_t, offsets: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?,
    opaque: UnsafeMutableRawPointer?
) {
    guard let opaque else { return }
    let context = Unmanaged<RDKafkaClientContext>.fromOpaque(opaque).takeUnretainedValue()
    // Nothing to commit is not a failure: the caller asked for no change.
    guard error != RD_KAFKA_RESP_ERR__NO_OFFSET else { return }
    var failed: [KafkaTopicPartitionOffset] = []
    var committed: [KafkaTopicPartitionOffset] = []
    var partitionError: KafkaError?
    if let offsets {
        for index in 0..<Int(offsets.pointee.cnt) {
            let element = offsets.pointee.elems[index]
            let offset = KafkaTopicPartitionOffset(
                topic: String(cString: element.topic), partition: element.partition, offset: element.offset)
            if error != RD_KAFKA_RESP_ERR_NO_ERROR || element.err != RD_KAFKA_RESP_ERR_NO_ERROR {
                failed.append(offset)
                if element.err != RD_KAFKA_RESP_ERR_NO_ERROR {
                    partitionError = partitionError ?? KafkaError.rdKafka(element.err, context: "commit")
                }
            } else {
                committed.append(offset)
            }
        }
    }
    let overall = error == RD_KAFKA_RESP_ERR_NO_ERROR ? partitionError : KafkaError.rdKafka(error, context: "commit")
    context.onCommit?(KafkaCommitResult(committed: committed, failed: failed, error: overall))
}

/// Logs and frees the `rd_kafka_error_t` an incremental (un)assign may return.
private func checkRebalance(_ error: OpaquePointer?, context: RDKafkaClientContext) {
    guard let error else { return }
    context.logger.error("rebalance: \(String(cString: rd_kafka_error_string(error)))")
    rd_kafka_error_destroy(error)
}
