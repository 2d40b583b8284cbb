import CRdKafka

extension KafkaClusterMetadata {
    /// Copies what librdkafka answered; the caller still owns (and destroys) the answer.
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
