import Logging

/// An in-process Kafka cluster: librdkafka's mock brokers, listening on loopback ports, that any Kafka client,
/// in this process or another, can produce to and consume from.
///
/// Mind its limits (librdkafka 2.0.2 to 2.15): it keeps only about 5 MB per partition, so a reader must consume
/// while the writer produces; it has no CreateTopics API, so topics are made with `createTopic`.
public final class KafkaMockCluster: Sendable {
    private let cluster: RDKafkaMockCluster
    public let brokerCount: Int
    /// The `bootstrap.servers` string for clients.
    public var bootstrapServers: String { cluster.bootstrapServers }

    /// `initialRebalanceDelay` is how long the coordinator waits for more members before a group's first rebalance,
    /// a broker's `group.initial.rebalance.delay.ms` (librdkafka's mock waits 3 s, as Kafka does). The default, none,
    /// starts a consumer group at once. librdkafka 2.0.2 has no such setting: there the delay is the mock's own, and
    /// the logger says so at debug level.
    public init(
        brokers: Int = 3, initialRebalanceDelay: Duration = .zero, logger: Logger = Logger(label: "kafka.mock")
    ) throws {
        guard brokers >= 1 else { throw KafkaError.config("the embedded cluster needs at least one broker") }
        cluster = try RDKafkaMockCluster(brokers: brokers, logger: logger)
        brokerCount = brokers
        if !cluster.setGroupInitialRebalanceDelay(initialRebalanceDelay) {
            logger.debug(
                """
                librdkafka \(KafkaLibrary.linkedVersionString) cannot set the embedded cluster's initial rebalance \
                delay (a newer librdkafka can): a consumer group's first rebalance waits the mock's own delay
                """)
        }
    }

    /// The broker ids, which the mock numbers from 1.
    public var brokerIDs: ClosedRange<Int32> { 1...Int32(brokerCount) }

    public func createTopic(_ name: String, partitions: Int = 1, replicationFactor: Int? = nil) throws {
        guard partitions >= 1 else { throw KafkaError.config("topic \(name) needs at least one partition") }
        let replicas = replicationFactor ?? min(3, brokerCount)
        guard (1...brokerCount).contains(replicas) else {
            throw KafkaError.config("replication factor \(replicas) needs 1…\(brokerCount) brokers")
        }
        try cluster.createTopic(name, partitions: partitions, replicationFactor: replicas)
    }

    /// Takes a broker down: its connections close and it refuses new ones until `setBrokerUp`.
    public func setBrokerDown(_ broker: Int32) throws {
        try cluster.setBrokerDown(broker)
    }

    public func setBrokerUp(_ broker: Int32) throws {
        try cluster.setBrokerUp(broker)
    }

    /// Makes the next requests of one API (such as `KafkaAPIKey.produce`) fail with these errors, in order.
    public func pushRequestErrors(api: KafkaAPIKey, _ errors: [KafkaError.Code]) {
        cluster.pushRequestErrors(api: api.rawValue, errors)
    }

    public func clearRequestErrors(api: KafkaAPIKey) {
        cluster.clearRequestErrors(api: api.rawValue)
    }
}
