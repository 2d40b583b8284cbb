import CRdKafka
import Logging

/// An in-process Kafka cluster: librdkafka's mock brokers, listening on loopback ports, that any Kafka client,
/// in this process or another, can produce to and consume from.
///
/// Mind its limits (librdkafka 2.0.2 to 2.14): it keeps only about 5 MB per partition, so a reader must consume
/// while the writer produces; it has no CreateTopics API, so topics are made with `createTopic`.
public final class KafkaMockCluster: @unchecked Sendable {
    // @unchecked Sendable: the mock cluster runs on its own thread and its functions are safe to call from any.

    /// Owns the mock cluster; it must outlive it.
    private let owner: RDKafkaClient
    private let cluster: OpaquePointer
    public let brokerCount: Int
    /// The `bootstrap.servers` string for clients.
    public let bootstrapServers: String

    /// `initialRebalanceDelay` is how long the coordinator waits for more members before a group's first rebalance,
    /// a broker's `group.initial.rebalance.delay.ms` (librdkafka's mock waits 3 s, as Kafka does). The default, none,
    /// starts a consumer group at once. librdkafka 2.0.2 has no such setting: there the delay is the mock's own, and
    /// the logger says so at debug level.
    public init(
        brokers: Int = 3, initialRebalanceDelay: Duration = .zero, logger: Logger = Logger(label: "kafka.mock")
    ) throws {
        guard brokers >= 1 else { throw KafkaError.config("the embedded cluster needs at least one broker") }
        // The owner never connects anywhere; without bootstrap servers librdkafka would warn about that.
        owner = try RDKafkaClient(kind: .producer, properties: KafkaProperties(["log_level": "3"]), logger: logger)
        guard let cluster = rd_kafka_mock_cluster_new(owner.handle, Int32(brokers)) else {
            throw KafkaError(code: .unknown, reason: "librdkafka could not start the embedded cluster")
        }
        self.cluster = cluster
        brokerCount = brokers
        bootstrapServers = String(cString: rd_kafka_mock_cluster_bootstraps(cluster))
        if let setDelay = RDKafkaNewerFunctions.mockGroupInitialRebalanceDelay {
            setDelay(cluster, initialRebalanceDelay.milliseconds)
        } else {
            logger.debug(
                """
                librdkafka \(KafkaLibrary.linkedVersionString) cannot set the embedded cluster's initial rebalance \
                delay (a newer librdkafka can): a consumer group's first rebalance waits the mock's own delay
                """)
        }
    }

    deinit {
        rd_kafka_mock_cluster_destroy(cluster)
    }

    /// The broker ids, which the mock numbers from 1.
    public var brokerIDs: ClosedRange<Int32> { 1...Int32(brokerCount) }

    public func createTopic(_ name: String, partitions: Int = 1, replicationFactor: Int? = nil) throws {
        guard partitions >= 1 else { throw KafkaError.config("topic \(name) needs at least one partition") }
        let replicas = replicationFactor ?? min(3, brokerCount)
        guard (1...brokerCount).contains(replicas) else {
            throw KafkaError.config("replication factor \(replicas) needs 1…\(brokerCount) brokers")
        }
        try check(rd_kafka_mock_topic_create(cluster, name, Int32(partitions), Int32(replicas)), "create topic \(name)")
    }

    /// Takes a broker down: its connections close and it refuses new ones until `setBrokerUp`.
    public func setBrokerDown(_ broker: Int32) throws {
        try check(rd_kafka_mock_broker_set_down(cluster, broker), "take broker \(broker) down")
    }

    public func setBrokerUp(_ broker: Int32) throws {
        try check(rd_kafka_mock_broker_set_up(cluster, broker), "bring broker \(broker) up")
    }

    /// Adds a round-trip delay to every request the broker answers.
    public func setRoundTripTime(_ broker: Int32, _ rtt: Duration) throws {
        try check(rd_kafka_mock_broker_set_rtt(cluster, broker, rtt.milliseconds), "set RTT of broker \(broker)")
    }

    public func setPartitionLeader(topic: String, partition: Int32, broker: Int32) throws {
        try check(rd_kafka_mock_partition_set_leader(cluster, topic, partition, broker), "move leader of \(topic)")
    }

    /// Makes the next requests of one API (such as `KafkaAPIKey.produce`) fail with these errors, in order.
    public func pushRequestErrors(api: KafkaAPIKey, _ errors: [KafkaError.Code]) {
        let codes = errors.map { rd_kafka_resp_err_t($0.rawValue) }
        codes.withUnsafeBufferPointer { buffer in
            rd_kafka_mock_push_request_errors_array(cluster, api.rawValue, buffer.count, buffer.baseAddress)
        }
    }

    public func clearRequestErrors(api: KafkaAPIKey) {
        rd_kafka_mock_clear_request_errors(cluster, api.rawValue)
    }

    private func check(_ error: rd_kafka_resp_err_t, _ action: String) throws {
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError.rdKafka(error, context: action) }
    }
}

/// Kafka protocol API keys, for fault injection.
public enum KafkaAPIKey: Int16, Sendable {
    case produce = 0
    case fetch = 1
    case listOffsets = 2
    case metadata = 3
    case offsetCommit = 8
    case offsetFetch = 9
    case findCoordinator = 10
    case joinGroup = 11
    case heartbeat = 12
    case initProducerID = 22
}
