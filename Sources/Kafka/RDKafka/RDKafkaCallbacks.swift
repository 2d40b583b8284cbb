import CRdKafka
import Logging

/// The C callbacks a client registers. Each captures nothing and finds its `RDKafkaClientContext` in the
/// configuration's opaque slot.
enum RDKafkaCallbacks {
    /// librdkafka has one opaque slot per configuration, shared by every callback below.
    static func register(on config: OpaquePointer, context: RDKafkaClientContext) {
        rd_kafka_conf_set_opaque(config, Unmanaged.passUnretained(context).toOpaque())
        rd_kafka_conf_set_log_cb(config, log)
        rd_kafka_conf_set_error_cb(config, error)
        if context.onRebalance != nil {
            rd_kafka_conf_set_rebalance_cb(config, rebalance)
        }
        if context.onCommit != nil {
            rd_kafka_conf_set_offset_commit_cb(config, offsetCommit)
        }
    }

    /// librdkafka's syslog levels mapped onto swift-log's. Called on librdkafka's own threads.
    private static let log: @convention(c) (OpaquePointer?, Int32, UnsafePointer<CChar>?, UnsafePointer<CChar>?) -> Void
    = { handle, level, facility, message in
        guard let handle, let opaque = rd_kafka_opaque(handle), let message else { return }
        let context = Unmanaged<RDKafkaClientContext>.fromOpaque(opaque).takeUnretainedValue()
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

    private static let error: @convention(c) (OpaquePointer?, Int32, UnsafePointer<CChar>?, UnsafeMutableRawPointer?)
        -> Void = { _, code, reason, opaque in
            guard let opaque else { return }
            let context = Unmanaged<RDKafkaClientContext>.fromOpaque(opaque).takeUnretainedValue()
            let error = rd_kafka_resp_err_t(code)
            // Connection errors repeat while a broker is down and librdkafka recovers from them by itself.
            let level: Logger.Level = error == RD_KAFKA_RESP_ERR__FATAL ? .error : .warning
            context.logger.log(
                level: level, "\(reason.map { String(cString: $0) } ?? String(cString: rd_kafka_err2str(error)))",
                metadata: [KafkaLoggingKeys.errorCode: "\(KafkaError.Code.wrapping(error))"])
        }

    /// Runs inside `rd_kafka_consumer_poll` (or the close), on the polling thread. With a rebalance callback set,
    /// librdkafka leaves the (un)assignment to us: eager protocols replace the whole assignment, the cooperative one
    /// changes it incrementally.
    private static let rebalance:
        @convention(c) (
            OpaquePointer?, rd_kafka_resp_err_t, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?,
            UnsafeMutableRawPointer?
        ) -> Void = { handle, error, partitions, opaque in
            guard let handle, let partitions, let opaque else { return }
            let context = Unmanaged<RDKafkaClientContext>.fromOpaque(opaque).takeUnretainedValue()
            let elements = RDKafkaTopicPartitionList.elements(of: partitions)
            let cooperative = String(cString: rd_kafka_rebalance_protocol(handle)) == "COOPERATIVE"
            if error == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS {
                if cooperative {
                    logAndFree(rd_kafka_incremental_assign(handle, partitions), context: context)
                } else {
                    rd_kafka_assign(handle, partitions)
                }
                _ = context.onRebalance?(.assigned(elements))
                return
            }
            // Revoked (or lost): the owner commits what it finished while the partitions are still its own.
            let offsets = context.onRebalance?(.revoked(elements)) ?? []
            if !offsets.isEmpty, rd_kafka_assignment_lost(handle) == 0 {
                let commitError = RDKafkaTopicPartitionList(offsets).withPointer { rd_kafka_commit(handle, $0, 0) }
                if commitError != RD_KAFKA_RESP_ERR_NO_ERROR {
                    context.logger.warning(
                        "commit before giving up partitions: \(KafkaError.rdKafka(commitError, context: "commit"))")
                }
            }
            if cooperative {
                logAndFree(rd_kafka_incremental_unassign(handle, partitions), context: context)
            } else {
                rd_kafka_assign(handle, nil)
            }
        }

    /// Runs on the polling thread (inside `poll`, or a synchronous commit) once per commit, asynchronous or not.
    private static let offsetCommit:
        @convention(c) (
            OpaquePointer?, rd_kafka_resp_err_t, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?,
            UnsafeMutableRawPointer?
        ) -> Void = { _, error, offsets, opaque in
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
            let overall =
                error == RD_KAFKA_RESP_ERR_NO_ERROR ? partitionError : KafkaError.rdKafka(error, context: "commit")
            context.onCommit?(KafkaCommitResult(committed: committed, failed: failed, error: overall))
        }

    /// Logs and frees the `rd_kafka_error_t` an incremental (un)assign may return.
    private static func logAndFree(_ error: OpaquePointer?, context: RDKafkaClientContext) {
        guard let error else { return }
        context.logger.error("rebalance: \(String(cString: rd_kafka_error_string(error)))")
        rd_kafka_error_destroy(error)
    }
}
