import CRdKafka

/// A failure reported by librdkafka, or by this library's checks before calling it.
public struct KafkaError: Error, CustomStringConvertible, Sendable {
    /// librdkafka's `rd_kafka_resp_err_t`, kept open so that codes from a newer librdkafka still fit.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }

        /// librdkafka's symbolic name, such as `_MSG_TIMED_OUT` or `UNKNOWN_TOPIC_OR_PART`.
        public var name: String { String(cString: rd_kafka_err2name(rd_kafka_resp_err_t(rawValue))) }
        public var description: String { name }

        static func wrapping(_ code: rd_kafka_resp_err_t) -> Code { Code(rawValue: code.rawValue) }

        public static let unknown = Code.wrapping(RD_KAFKA_RESP_ERR__FAIL)
        public static let invalidArgument = Code.wrapping(RD_KAFKA_RESP_ERR__INVALID_ARG)
        public static let queueFull = Code.wrapping(RD_KAFKA_RESP_ERR__QUEUE_FULL)
        public static let messageTimedOut = Code.wrapping(RD_KAFKA_RESP_ERR__MSG_TIMED_OUT)
        public static let timedOut = Code.wrapping(RD_KAFKA_RESP_ERR__TIMED_OUT)
        public static let transport = Code.wrapping(RD_KAFKA_RESP_ERR__TRANSPORT)
        public static let allBrokersDown = Code.wrapping(RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN)
        public static let unknownTopicOrPartition = Code.wrapping(RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART)
        public static let notLeaderForPartition = Code.wrapping(RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION)
        public static let leaderNotAvailable = Code.wrapping(RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE)
        public static let requestTimedOut = Code.wrapping(RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT)
        public static let notEnoughReplicas = Code.wrapping(RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS)
        public static let messageSizeTooLarge = Code.wrapping(RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE)
        public static let topicAuthorizationFailed = Code.wrapping(RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED)
        public static let saslAuthenticationFailed = Code.wrapping(RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED)
    }

    public let code: Code
    public let reason: String
    public let isFatal: Bool
    public let isRetriable: Bool
    public let file: String
    public let line: UInt

    public init(
        code: Code, reason: String, isFatal: Bool = false, isRetriable: Bool = false,
        file: String = #fileID, line: UInt = #line
    ) {
        self.code = code
        self.reason = reason
        self.isFatal = isFatal
        self.isRetriable = isRetriable
        self.file = file
        self.line = line
    }

    public var description: String { "Kafka error \(code.name): \(reason)" }

    /// A bad setting, detected before or by librdkafka's configuration.
    public static func config(_ reason: String, file: String = #fileID, line: UInt = #line) -> KafkaError {
        KafkaError(code: .invalidArgument, reason: reason, file: file, line: line)
    }

    static func rdKafka(
        _ code: rd_kafka_resp_err_t, context: String? = nil, file: String = #fileID, line: UInt = #line
    ) -> KafkaError {
        let text = String(cString: rd_kafka_err2str(code))
        return KafkaError(
            code: .wrapping(code), reason: context.map { "\($0): \(text)" } ?? text, file: file, line: line)
    }

    /// Takes ownership of an `rd_kafka_error_t` and destroys it.
    static func consuming(
        _ error: OpaquePointer, context: String? = nil, file: String = #fileID, line: UInt = #line
    ) -> KafkaError {
        defer { rd_kafka_error_destroy(error) }
        let text = String(cString: rd_kafka_error_string(error))
        return KafkaError(
            code: .wrapping(rd_kafka_error_code(error)), reason: context.map { "\($0): \(text)" } ?? text,
            isFatal: rd_kafka_error_is_fatal(error) != 0, isRetriable: rd_kafka_error_is_retriable(error) != 0,
            file: file, line: line)
    }
}
