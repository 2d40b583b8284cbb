import Failure

/// A failure reported by librdkafka, or by this library's checks before calling it.
public struct KafkaError: PipelineError {
    /// librdkafka's error code, printed as its symbolic name.
    public let code: Code
    /// librdkafka's own text, after what this library was doing when it failed.
    public let reason: String
    /// The client can no longer be used (idempotence broken, fenced): librdkafka's fatal error state.
    public let isFatal: Bool
    /// librdkafka's own verdict, where the error came from one of its error objects, which carry it.
    let librdkafkaRetriable: Bool?
    public let file: String
    public let line: UInt

    public init(code: Code, reason: String, isFatal: Bool = false, file: String = #fileID, line: UInt = #line) {
        self.init(code: code, reason: reason, isFatal: isFatal, librdkafkaRetriable: nil, file: file, line: line)
    }

    init(code: Code, reason: String, isFatal: Bool, librdkafkaRetriable: Bool?, file: String, line: UInt) {
        self.code = code
        self.reason = reason.onOneLine
        self.isFatal = isFatal
        self.librdkafkaRetriable = librdkafkaRetriable
        self.file = file
        self.line = line
    }

    /// One line, whatever librdkafka's text holds.
    public var description: String {
        "Kafka error \(code.name): \(reason)"
    }

    /// Broken clients, an unreachable or refusing cluster and a missing topic are systemic; a busy or moving cluster
    /// is retriable; a message or setting the cluster will never take is permanent. Codes not named here follow
    /// librdkafka's own retriable flag where it gave one, and are otherwise permanent.
    public var failureKind: FailureKind {
        if isFatal { return .systemic }
        switch code {
        case .fatal, .transport, .allBrokersDown, .resolve, .ssl, .authentication, .saslAuthenticationFailed,
            .topicAuthorizationFailed, .groupAuthorizationFailed, .clusterAuthorizationFailed,
            .transactionalIDAuthorizationFailed, .unknownTopic, .unknownTopicOrPartition:
            return .systemic
        case .timedOut, .timedOutQueue, .messageTimedOut, .requestTimedOut, .queueFull, .notLeaderForPartition,
            .leaderNotAvailable, .notEnoughReplicas, .notEnoughReplicasAfterAppend, .networkException,
            .coordinatorLoadInProgress, .coordinatorNotAvailable, .notCoordinator, .rebalanceInProgress:
            return .retriable
        case .messageSizeTooLarge, .recordListTooLarge, .invalidArgument, .invalidConfig:
            return .permanent
        default:
            return librdkafkaRetriable == true ? .retriable : .permanent
        }
    }

    /// A bad setting, detected before or by librdkafka's configuration.
    public static func config(_ reason: String, file: String = #fileID, line: UInt = #line) -> KafkaError {
        KafkaError(code: .invalidArgument, reason: reason, file: file, line: line)
    }
}
