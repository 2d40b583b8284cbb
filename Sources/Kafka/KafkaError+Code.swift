extension KafkaError {
    /// librdkafka's response error code, kept open so that codes from a newer librdkafka still fit. Negative
    /// codes are librdkafka's own, positive ones the Kafka protocol's; both are stable across librdkafka versions.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }

        /// librdkafka's symbolic name, such as `_MSG_TIMED_OUT` or `UNKNOWN_TOPIC_OR_PART`.
        public var name: String { Self.symbolicName(of: rawValue) }
        public var description: String { name }

        public static let unknown = Code(rawValue: -196)  // _FAIL
        public static let transport = Code(rawValue: -195)
        public static let resolve = Code(rawValue: -193)
        public static let messageTimedOut = Code(rawValue: -192)
        public static let unknownTopic = Code(rawValue: -188)
        public static let allBrokersDown = Code(rawValue: -187)
        public static let invalidArgument = Code(rawValue: -186)
        public static let timedOut = Code(rawValue: -185)
        public static let queueFull = Code(rawValue: -184)
        public static let ssl = Code(rawValue: -181)
        public static let authentication = Code(rawValue: -169)
        public static let timedOutQueue = Code(rawValue: -166)
        public static let fatal = Code(rawValue: -150)
        public static let unknownTopicOrPartition = Code(rawValue: 3)
        public static let leaderNotAvailable = Code(rawValue: 5)
        public static let notLeaderForPartition = Code(rawValue: 6)
        public static let requestTimedOut = Code(rawValue: 7)
        public static let messageSizeTooLarge = Code(rawValue: 10)
        public static let networkException = Code(rawValue: 13)
        public static let coordinatorLoadInProgress = Code(rawValue: 14)
        public static let coordinatorNotAvailable = Code(rawValue: 15)
        public static let notCoordinator = Code(rawValue: 16)
        public static let recordListTooLarge = Code(rawValue: 18)
        public static let notEnoughReplicas = Code(rawValue: 19)
        public static let notEnoughReplicasAfterAppend = Code(rawValue: 20)
        public static let rebalanceInProgress = Code(rawValue: 27)
        public static let topicAuthorizationFailed = Code(rawValue: 29)
        public static let groupAuthorizationFailed = Code(rawValue: 30)
        public static let clusterAuthorizationFailed = Code(rawValue: 31)
        public static let invalidConfig = Code(rawValue: 40)
        public static let transactionalIDAuthorizationFailed = Code(rawValue: 53)
        public static let saslAuthenticationFailed = Code(rawValue: 58)
    }
}
