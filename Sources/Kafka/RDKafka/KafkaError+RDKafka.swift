import CRdKafka

/// The factories that read librdkafka's errors.
extension KafkaError {
    static func rdKafka(
        _ code: rd_kafka_resp_err_t, context: String? = nil, file: String = #fileID, line: UInt = #line
    ) -> KafkaError {
        let text = String(cString: rd_kafka_err2str(code))
        return KafkaError(
            code: .wrapping(code), reason: context.map { "\($0): \(text)" } ?? text, file: file, line: line)
    }

    /// Throws unless `code` is `RD_KAFKA_RESP_ERR_NO_ERROR`: the check after every call that answers with a code.
    static func check(
        _ code: rd_kafka_resp_err_t, _ context: String, file: String = #fileID, line: UInt = #line
    ) throws(KafkaError) {
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR else { throw rdKafka(code, context: context, file: file, line: line) }
    }

    /// Takes ownership of an `rd_kafka_error_t` and destroys it.
    static func consuming(
        _ error: OpaquePointer, context: String? = nil, file: String = #fileID, line: UInt = #line
    ) -> KafkaError {
        defer { rd_kafka_error_destroy(error) }
        let text = String(cString: rd_kafka_error_string(error))
        return KafkaError(
            code: .wrapping(rd_kafka_error_code(error)), reason: context.map { "\($0): \(text)" } ?? text,
            isFatal: rd_kafka_error_is_fatal(error) != 0, librdkafkaRetriable: rd_kafka_error_is_retriable(error) != 0,
            file: file, line: line)
    }
}

extension KafkaError.Code {
    public static let unknown = wrapping(RD_KAFKA_RESP_ERR__FAIL)
    public static let transport = wrapping(RD_KAFKA_RESP_ERR__TRANSPORT)
    public static let resolve = wrapping(RD_KAFKA_RESP_ERR__RESOLVE)
    public static let messageTimedOut = wrapping(RD_KAFKA_RESP_ERR__MSG_TIMED_OUT)
    public static let unknownTopic = wrapping(RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC)
    public static let allBrokersDown = wrapping(RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN)
    public static let invalidArgument = wrapping(RD_KAFKA_RESP_ERR__INVALID_ARG)
    public static let timedOut = wrapping(RD_KAFKA_RESP_ERR__TIMED_OUT)
    public static let queueFull = wrapping(RD_KAFKA_RESP_ERR__QUEUE_FULL)
    public static let ssl = wrapping(RD_KAFKA_RESP_ERR__SSL)
    public static let authentication = wrapping(RD_KAFKA_RESP_ERR__AUTHENTICATION)
    public static let timedOutQueue = wrapping(RD_KAFKA_RESP_ERR__TIMED_OUT_QUEUE)
    public static let fatal = wrapping(RD_KAFKA_RESP_ERR__FATAL)
    public static let unknownTopicOrPartition = wrapping(RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART)
    public static let leaderNotAvailable = wrapping(RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE)
    public static let notLeaderForPartition = wrapping(RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION)
    public static let requestTimedOut = wrapping(RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT)
    public static let messageSizeTooLarge = wrapping(RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE)
    public static let networkException = wrapping(RD_KAFKA_RESP_ERR_NETWORK_EXCEPTION)
    public static let coordinatorLoadInProgress = wrapping(RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS)
    public static let coordinatorNotAvailable = wrapping(RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE)
    public static let notCoordinator = wrapping(RD_KAFKA_RESP_ERR_NOT_COORDINATOR)
    public static let recordListTooLarge = wrapping(RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE)
    public static let notEnoughReplicas = wrapping(RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS)
    public static let notEnoughReplicasAfterAppend = wrapping(RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND)
    public static let rebalanceInProgress = wrapping(RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS)
    public static let topicAuthorizationFailed = wrapping(RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED)
    public static let groupAuthorizationFailed = wrapping(RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED)
    public static let clusterAuthorizationFailed = wrapping(RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED)
    public static let invalidConfig = wrapping(RD_KAFKA_RESP_ERR_INVALID_CONFIG)
    public static let transactionalIDAuthorizationFailed = wrapping(RD_KAFKA_RESP_ERR_TRANSACTIONAL_ID_AUTHORIZATION_FAILED)
    public static let saslAuthenticationFailed = wrapping(RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED)

    static func wrapping(_ code: rd_kafka_resp_err_t) -> Self { Self(rawValue: code.rawValue) }

    var cValue: rd_kafka_resp_err_t { rd_kafka_resp_err_t(rawValue) }

    static func symbolicName(of rawValue: Int32) -> String {
        String(cString: rd_kafka_err2name(rd_kafka_resp_err_t(rawValue)))
    }
}
