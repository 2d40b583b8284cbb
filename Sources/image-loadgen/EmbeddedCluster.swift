import Kafka
import Logging

/// The in-process cluster a run tests when no brokers are configured, with its topics.
enum EmbeddedCluster {
    static func start(topics: [String], partitions: Int, logger: Logger) throws -> KafkaMockCluster {
        let cluster = try KafkaMockCluster(brokers: 3, logger: logger)
        // A topic named twice (--observe-topic images reads back the topic it writes) is created once.
        for name in Set(topics) {
            try cluster.createTopic(name, partitions: partitions)
        }
        logger.notice(
            "no --bootstrap-servers given: started an embedded 3-broker Kafka cluster at \(cluster.bootstrapServers) with topics \(Set(topics).sorted().joined(separator: ", ")) (\(partitions) partitions)")
        return cluster
    }
}
