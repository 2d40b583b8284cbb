/// What a cluster said about its brokers and topics.
public struct KafkaClusterMetadata: Sendable {
    public struct Broker: Sendable, Equatable {
        public let id: Int32
        public let host: String
        public let port: Int32
    }

    public struct Partition: Sendable, Equatable {
        public let id: Int32
        public let leader: Int32
        public let replicas: [Int32]
    }

    public struct Topic: Sendable {
        public let name: String
        public let partitions: [Partition]
        /// Set when the broker answered with an error for this topic, such as `UNKNOWN_TOPIC_OR_PART`.
        public let error: KafkaError.Code?
    }

    public let brokers: [Broker]
    public let topics: [Topic]

    public func topic(named name: String) -> Topic? {
        topics.first { $0.name == name }
    }
}
