import Failure
import Kafka
import Testing

struct KafkaErrorTests {
    /// The named codes are librdkafka's: their symbolic names come from the linked library.
    @Test(arguments: [
        (KafkaError.Code.unknown, "_FAIL"), (.transport, "_TRANSPORT"), (.messageTimedOut, "_MSG_TIMED_OUT"),
        (.unknownTopic, "_UNKNOWN_TOPIC"), (.allBrokersDown, "_ALL_BROKERS_DOWN"), (.invalidArgument, "_INVALID_ARG"),
        (.timedOut, "_TIMED_OUT"), (.queueFull, "_QUEUE_FULL"), (.ssl, "_SSL"), (.authentication, "_AUTHENTICATION"),
        (.fatal, "_FATAL"), (.unknownTopicOrPartition, "UNKNOWN_TOPIC_OR_PART"),
        (.notLeaderForPartition, "NOT_LEADER_FOR_PARTITION"), (.requestTimedOut, "REQUEST_TIMED_OUT"),
        (.messageSizeTooLarge, "MSG_SIZE_TOO_LARGE"), (.notEnoughReplicas, "NOT_ENOUGH_REPLICAS"),
        (.rebalanceInProgress, "REBALANCE_IN_PROGRESS"), (.topicAuthorizationFailed, "TOPIC_AUTHORIZATION_FAILED"),
        (.saslAuthenticationFailed, "SASL_AUTHENTICATION_FAILED"), (.invalidConfig, "INVALID_CONFIG"),
    ])
    func codesPrintAsLibrdkafkasSymbolicNames(code: KafkaError.Code, name: String) {
        #expect(code.description == name)
    }

    @Test(arguments: [
        (KafkaError.Code.transport, FailureKind.systemic), (.allBrokersDown, .systemic),
        (.saslAuthenticationFailed, .systemic), (.topicAuthorizationFailed, .systemic), (.unknownTopic, .systemic),
        (.timedOut, .retriable), (.messageTimedOut, .retriable), (.queueFull, .retriable),
        (.notLeaderForPartition, .retriable), (.leaderNotAvailable, .retriable), (.notEnoughReplicas, .retriable),
        (.requestTimedOut, .retriable), (.messageSizeTooLarge, .permanent), (.invalidArgument, .permanent),
        (.unknown, .permanent),
    ])
    func failureKindFollowsTheCode(code: KafkaError.Code, kind: FailureKind) {
        #expect(KafkaError(code: code, reason: "test").failureKind == kind)
    }

    @Test func aFatalErrorIsSystemicWhateverItsCode() {
        #expect(KafkaError(code: .messageSizeTooLarge, reason: "fenced", isFatal: true).failureKind == .systemic)
    }

    @Test func configurationErrorsArePermanentAndDescribedOnOneLine() {
        let error = KafkaError.config("property x: first line\nsecond line")
        #expect(error.failureKind == .permanent)
        #expect(error.description == "Kafka error _INVALID_ARG: property x: first line second line")
        // The reason is flattened too, as every error's is: it reaches log lines on its own.
        #expect(error.reason == "property x: first line second line")
    }
}
