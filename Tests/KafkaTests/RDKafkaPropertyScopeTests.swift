@testable import Kafka
import Testing

struct RDKafkaPropertyScopeTests {
    static let old = KafkaVersion(major: 2, minor: 0, patch: 2)
    static let current = KafkaVersion(major: 2, minor: 14, patch: 0)

    @Test func eachKindGetsItsOwnAndTheSharedProperties() {
        for version in [Self.old, Self.current] {
            #expect(RDKafkaPropertyScope.applies("linger.ms", to: .producer, linked: version))
            #expect(!RDKafkaPropertyScope.applies("linger.ms", to: .consumer, linked: version))
            #expect(RDKafkaPropertyScope.applies("fetch.wait.max.ms", to: .consumer, linked: version))
            #expect(!RDKafkaPropertyScope.applies("fetch.wait.max.ms", to: .producer, linked: version))
            #expect(RDKafkaPropertyScope.applies("bootstrap.servers", to: .producer, linked: version))
            #expect(RDKafkaPropertyScope.applies("bootstrap.servers", to: .consumer, linked: version))
        }
    }

    @Test func aPropertyTheTableDoesNotKnowGoesToBoth() {
        #expect(RDKafkaPropertyScope.applies("some.future.property", to: .producer, linked: Self.current))
        #expect(RDKafkaPropertyScope.applies("some.future.property", to: .consumer, linked: Self.current))
    }

    /// `retry.backoff.ms` was a producer property until librdkafka 2.5.0.
    @Test func aPropertyWhoseScopeWidenedFollowsTheLinkedVersion() {
        #expect(!RDKafkaPropertyScope.applies("retry.backoff.ms", to: .consumer, linked: Self.old))
        #expect(RDKafkaPropertyScope.applies("retry.backoff.ms", to: .consumer, linked: Self.current))
        #expect(RDKafkaPropertyScope.applies("retry.backoff.ms", to: .producer, linked: Self.old))
    }

    @Test func aBrokerOnThisMachineIsNotARemoteCluster() {
        for broker in ["127.0.0.1:9092", " localhost:9092", "LOCALHOST", "[::1]:9092", "PLAINTEXT://127.0.0.2:1"] {
            #expect(KafkaLibrary.isLoopbackBroker(broker), "\(broker)")
        }
        for broker in ["127.example.com:9092", "pkc-123.confluent.cloud:9092", "[2001:db8::1]:9092", "10.0.0.1"] {
            #expect(!KafkaLibrary.isLoopbackBroker(broker), "\(broker)")
        }
    }
}
