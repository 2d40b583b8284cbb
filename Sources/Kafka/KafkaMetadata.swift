import CRdKafka

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

    init(_ raw: rd_kafka_metadata) {
        brokers = (0..<Int(raw.broker_cnt)).map { index in
            let broker = raw.brokers[index]
            return Broker(id: broker.id, host: String(cString: broker.host), port: broker.port)
        }
        topics = (0..<Int(raw.topic_cnt)).map { index in
            let topic = raw.topics[index]
            let partitions = (0..<Int(topic.partition_cnt)).map { partitionIndex in
                let partition = topic.partitions[partitionIndex]
                return Partition(
                    id: partition.id, leader: partition.leader,
                    replicas: (0..<Int(partition.replica_cnt)).map { partition.replicas[$0] })
            }
            return Topic(
                name: String(cString: topic.topic), partitions: partitions.sorted { $0.id < $1.id },
                error: topic.err == RD_KAFKA_RESP_ERR_NO_ERROR ? nil : .wrapping(topic.err))
        }
    }
}
