import CRdKafka
import Logging

/// Owns an `rd_kafka_mock_cluster_t` and the client it lives in, which must outlive it.
///
/// `@unchecked Sendable`: the mock cluster runs on its own thread and its functions are safe to call from any.
final class RDKafkaMockCluster: @unchecked Sendable {
    private let owner: RDKafkaClient
    private let handle: OpaquePointer
    /// The `bootstrap.servers` string for clients.
    let bootstrapServers: String

    init(brokers: Int, logger: Logger) throws {
        // The owner never connects anywhere; without bootstrap servers librdkafka would warn about that.
        owner = try RDKafkaClient(kind: .producer, properties: KafkaProperties(["log_level": "3"]), logger: logger)
        guard let handle = rd_kafka_mock_cluster_new(owner.handle, Int32(brokers)) else {
            throw KafkaError(code: .unknown, reason: "librdkafka could not start the embedded cluster")
        }
        self.handle = handle
        bootstrapServers = String(cString: rd_kafka_mock_cluster_bootstraps(handle))
    }

    deinit {
        rd_kafka_mock_cluster_destroy(handle)
    }

    /// Sets the coordinator's `group.initial.rebalance.delay.ms`; false where the linked librdkafka cannot.
    func setGroupInitialRebalanceDelay(_ delay: Duration) -> Bool {
        guard let setDelay = RDKafkaNewerFunctions.mockGroupInitialRebalanceDelay else { return false }
        setDelay(handle, delay.milliseconds)
        return true
    }

    func createTopic(_ name: String, partitions: Int, replicationFactor: Int) throws {
        try KafkaError.check(
            rd_kafka_mock_topic_create(handle, name, Int32(partitions), Int32(replicationFactor)),
            "create topic \(name)")
    }

    func setBrokerDown(_ broker: Int32) throws {
        try KafkaError.check(rd_kafka_mock_broker_set_down(handle, broker), "take broker \(broker) down")
    }

    func setBrokerUp(_ broker: Int32) throws {
        try KafkaError.check(rd_kafka_mock_broker_set_up(handle, broker), "bring broker \(broker) up")
    }

    func pushRequestErrors(api: Int16, _ errors: [KafkaError.Code]) {
        let codes = errors.map(\.cValue)
        codes.withUnsafeBufferPointer { buffer in
            rd_kafka_mock_push_request_errors_array(handle, api, buffer.count, buffer.baseAddress)
        }
    }

    func clearRequestErrors(api: Int16) {
        rd_kafka_mock_clear_request_errors(handle, api)
    }
}
