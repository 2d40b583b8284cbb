import Foundation
import HTTP
import Synchronization

/// A stand-in for Confluent Cloud on loopback: the topic paths of Kafka REST v3 and the cmk/v2 cluster lookup.
/// Every request is checked against the published contracts (loaded from `../shared/contracts/` at test time)
/// and so is every JSON answer; `violations` lists what did not conform. It keeps topics the way a cluster
/// does, answers as Confluent does (201, 400 with 40002 for an existing topic, 404 with 40403 for an unknown
/// one, 401 with 40101 for a bad key), and can be told to fail on purpose.
final class ConfluentCloudDouble: Sendable {
    static let clusterID = "lkc-test42"
    static let environment = "env-test7"
    static let kafkaKey = "KAFKAKEYTEST0001"
    static let kafkaSecret = "cfltKafkaSecretDoNotPrint9f8e7d6c5b4a"
    static let cloudKey = "CLOUDKEYTEST0001"
    static let cloudSecret = "cfltCloudSecretDoNotPrint1a2b3c4d5e6f"

    /// What a topic has when nothing is set: the server defaults that must never show up as drift.
    static let defaultConfigs: [String: String] = [
        "cleanup.policy": "delete", "compression.type": "producer", "max.message.bytes": "2097164",
        "min.insync.replicas": "2", "retention.bytes": "-1", "retention.ms": "604800000", "segment.ms": "604800000",
    ]

    struct Topic: Equatable {
        var partitions: Int
        var replicationFactor: Int
        /// Configs set on the topic (DYNAMIC_TOPIC_CONFIG); the rest come from `defaultConfigs`.
        var configs: [String: String] = [:]
    }

    struct State {
        var topics: [String: Topic] = [:]
        /// Reads that answer 404 for a newly created topic, as a cluster does until metadata spreads.
        var newTopicInvisibleReads = 0
        var invisibleReads: [String: Int] = [:]
        var injected: [ServerResponse] = []
        /// Creates the topic and then answers 503, as when the response to a successful POST is lost.
        var loseNextCreateResponse = false
        var requests: [String] = []
        var violations: [String] = []
        var access = AccessState()
    }

    private let kafkaContract: OpenAPIContract
    private let cloudContract: OpenAPIContract
    private let serviceAccountContract: OpenAPIContract
    private let apiKeyContract: OpenAPIContract
    private let aclContract: OpenAPIContract
    let state = Mutex(State())
    let baseURLBox = Mutex("")

    init() throws {
        kafkaContract = try OpenAPIContract.shared("confluent-cloud-kafkarest-v3.topics.yaml")
        cloudContract = try OpenAPIContract.shared("confluent-cloud-cmk-v2.openapi.yaml")
        serviceAccountContract = try OpenAPIContract.shared("confluent-cloud-iam-v2-service-accounts.openapi.yaml")
        apiKeyContract = try OpenAPIContract.shared("confluent-cloud-iam-v2-apikeys.openapi.yaml")
        aclContract = try OpenAPIContract.shared("confluent-cloud-kafkarest-v3.acls.yaml")
        seedCluster()
    }

    /// Starts serving; the caller stops the returned server.
    func start() async throws -> EmbeddedHTTPServer {
        let server = try await EmbeddedHTTPServer.start { [self] request in handle(request) }
        baseURLBox.withLock { $0 = server.baseURL }
        return server
    }

    // MARK: Test controls

    func seed(_ name: String, partitions: Int, replicationFactor: Int = 3, configs: [String: String] = [:]) {
        state.withLock { $0.topics[name] = Topic(partitions: partitions, replicationFactor: replicationFactor, configs: configs) }
    }

    /// The next requests to Kafka REST get these answers instead, in order.
    func inject(_ responses: [ServerResponse]) { state.withLock { $0.injected += responses } }

    func hideNewTopics(forReads reads: Int) { state.withLock { $0.newTopicInvisibleReads = reads } }

    func loseNextCreateResponse() { state.withLock { $0.loseNextCreateResponse = true } }

    var topics: [String: Topic] { state.withLock { $0.topics } }
    /// "METHOD /path?query", in order of arrival.
    var requests: [String] { state.withLock { $0.requests } }
    var violations: [String] { state.withLock { $0.violations } }
    func clearRequests() { state.withLock { $0.requests = [] } }

    /// Requests that change something.
    var mutatingRequests: [String] { requests.filter { !$0.hasPrefix("GET ") } }

    static let throttled = ServerResponse(
        status: 429, headers: [HTTPHeader("Content-Type", "text/html")],
        body: Data("<html><body><h2>HTTP ERROR 429 Too Many Requests</h2></body></html>".utf8))
    static let retriable = ServerResponse.jsonObject(
        ["error_code": 50003, "message": "The coordinator is loading and hence can't process requests."], status: 503)

    // MARK: Serving

    private func handle(_ request: ServerRequest) -> ServerResponse {
        let isCloud = request.path.hasPrefix("/cmk/") || request.path.hasPrefix("/iam/")
        let contract =
            if request.path.hasPrefix("/cmk/") { cloudContract }
            else if request.path.hasPrefix("/iam/v2/service-accounts") { serviceAccountContract }
            else if request.path.hasPrefix("/iam/v2/api-keys") { apiKeyContract }
            else if request.path.hasSuffix("/acls") || request.path.hasSuffix("/acls:batch") { aclContract }
            else { kafkaContract }
        state.withLock { $0.requests.append("\(request.method) \(request.path)" + (request.rawQuery.isEmpty ? "" : "?\(request.rawQuery)")) }
        guard let operation = contract.operation(method: request.method, path: request.path) else {
            record(["\(request.method) \(request.path): no such operation in \(contract.name)"])
            return kafkaError(404, 404, "HTTP 404 Not Found")
        }
        record(contract.violations(of: request, operation: operation))
        let response = answer(request, operation, isCloud: isCloud)
        record(contract.responseViolations(response, operation: operation).map { "double answered wrongly: \($0)" })
        return response
    }

    private func record(_ problems: [String]) {
        if !problems.isEmpty { state.withLock { $0.violations += problems } }
    }

    private func answer(_ request: ServerRequest, _ operation: OpenAPIContract.Operation, isCloud: Bool) -> ServerResponse {
        let credentials = kafkaContract.basicCredentials(request)
        if isCloud {
            guard let credentials, state.withLock({ $0.access.isCloudKey(credentials) }) else {
                return cloudError(401, "user_unauthenticated", "Valid authentication credentials must be provided")
            }
            return cloudAnswer(request, operation)
        }
        let clusterID = operation.pathParameters["cluster_id"] ?? ""
        guard let credentials, let owner = state.withLock({ $0.access.authenticate(credentials, cluster: clusterID) }) else {
            return kafkaError(401, 40101, "Authentication failed")
        }
        if let injected = state.withLock({ $0.injected.isEmpty ? nil : $0.injected.removeFirst() }) {
            return injected
        }
        if operation.template.hasSuffix("/acls") {
            return aclAnswer(request, operation, owner: owner)
        }
        if operation.id == "listKafkaTopics", clusterID != Self.clusterID {
            return .jsonObject(["kind": "KafkaTopicList", "metadata": ["self": "\(request.path)", "next": NSNull()], "data": []])
        }
        guard operation.pathParameters["cluster_id"] == Self.clusterID else {
            return kafkaError(404, 404, "Cluster \(operation.pathParameters["cluster_id"] ?? "") cannot be found.")
        }
        let name = operation.pathParameters["topic_name"] ?? ""
        let body = JSONValue.parse(request.body)
        return state.withLock { state in
            switch operation.id {
            case "createKafkaTopic":
                return create(body, &state)
            case "getKafkaTopic":
                guard let topic = visibleTopic(name, &state) else { return unknownTopic() }
                return .jsonObject(topicJSON(name, topic))
            case "updatePartitionCountKafkaTopic":
                guard var topic = visibleTopic(name, &state) else { return unknownTopic() }
                let wanted = body?["partitions_count"]?.integer ?? 0
                guard wanted > topic.partitions else {
                    return kafkaError(400, 40002, "Topic already has \(topic.partitions) partitions.")
                }
                topic.partitions = wanted
                state.topics[name] = topic
                return .jsonObject(topicJSON(name, topic))
            case "listKafkaTopicConfigs":
                guard let topic = visibleTopic(name, &state) else { return unknownTopic() }
                return .jsonObject([
                    "kind": "KafkaTopicConfigList", "metadata": ["self": "\(topicsURL)/\(name)/configs", "next": NSNull()],
                    "data": Self.defaultConfigs.keys.sorted().map { configJSON(name, $0, topic) },
                ])
            case "updateKafkaTopicConfigBatch":
                guard var topic = visibleTopic(name, &state) else { return unknownTopic() }
                for entry in body?["data"]?.array ?? [] {
                    let config = entry["name"]?.string ?? ""
                    guard Self.defaultConfigs[config] != nil else {
                        return kafkaError(400, 40002, "Unknown topic config name: \(config)")
                    }
                    if entry["operation"]?.string == "DELETE" {
                        topic.configs[config] = nil
                    } else {
                        topic.configs[config] = entry["value"]?.string
                    }
                }
                if body?["validate_only"] != .bool(true) { state.topics[name] = topic }
                return ServerResponse(status: 204)
            case "listKafkaTopics":
                return .jsonObject([
                    "kind": "KafkaTopicList", "metadata": ["self": topicsURL, "next": NSNull()],
                    "data": state.topics.sorted { $0.key < $1.key }.map { topicJSON($0.key, $0.value) },
                ])
            case "deleteKafkaTopic":
                guard state.topics.removeValue(forKey: name) != nil else { return unknownTopic() }
                return ServerResponse(status: 204)
            default:
                return kafkaError(405, 405, "the double does not serve \(operation.id)")
            }
        }
    }

    private func create(_ body: JSONValue?, _ state: inout State) -> ServerResponse {
        let name = body?["topic_name"]?.string ?? ""
        guard state.topics[name] == nil else { return kafkaError(400, 40002, "Topic '\(name)' already exists.") }
        let replicationFactor = body?["replication_factor"]?.integer ?? 3
        guard replicationFactor == 3 else {
            return kafkaError(400, 40002, "Replication factor: \(replicationFactor) larger than available brokers: 3.")
        }
        var topic = Topic(partitions: body?["partitions_count"]?.integer ?? 6, replicationFactor: replicationFactor)
        for config in body?["configs"]?.array ?? [] {
            let configName = config["name"]?.string ?? ""
            guard Self.defaultConfigs[configName] != nil else {
                return kafkaError(400, 40002, "Unknown topic config name: \(configName)")
            }
            topic.configs[configName] = config["value"]?.string
        }
        if body?["validate_only"] == .bool(true) { return .jsonObject(topicJSON(name, topic), status: 200) }
        state.topics[name] = topic
        state.invisibleReads[name] = state.newTopicInvisibleReads
        if state.loseNextCreateResponse {
            state.loseNextCreateResponse = false
            return Self.retriable
        }
        return .jsonObject(topicJSON(name, topic), status: 201)
    }

    private func visibleTopic(_ name: String, _ state: inout State) -> Topic? {
        if let hidden = state.invisibleReads[name], hidden > 0 {
            state.invisibleReads[name] = hidden - 1
            return nil
        }
        return state.topics[name]
    }

    // MARK: Shapes

    private var topicsURL: String { baseURLBox.withLock { "\($0)/kafka/v3/clusters/\(Self.clusterID)/topics" } }

    private func topicJSON(_ name: String, _ topic: Topic) -> [String: Any] {
        let url = "\(topicsURL)/\(name)"
        return [
            "kind": "KafkaTopic",
            "metadata": ["self": url, "resource_name": "crn:///kafka=\(Self.clusterID)/topic=\(name)"],
            "cluster_id": Self.clusterID, "topic_name": name, "is_internal": false,
            "replication_factor": topic.replicationFactor, "partitions_count": topic.partitions,
            "partitions": ["related": "\(url)/partitions"], "configs": ["related": "\(url)/configs"],
            "partition_reassignments": ["related": "\(url)/partitions/-/reassignments"],
        ]
    }

    private func configJSON(_ topicName: String, _ name: String, _ topic: Topic) -> [String: Any] {
        let fallback = Self.defaultConfigs[name] ?? ""
        let value = topic.configs[name] ?? fallback
        let source = topic.configs[name] == nil ? "DEFAULT_CONFIG" : "DYNAMIC_TOPIC_CONFIG"
        var synonyms: [[String: Any]] = [["name": name, "value": fallback, "source": "DEFAULT_CONFIG"]]
        if source != "DEFAULT_CONFIG" { synonyms.insert(["name": name, "value": value, "source": source], at: 0) }
        return [
            "kind": "KafkaTopicConfig",
            "metadata": ["self": "\(topicsURL)/\(topicName)/configs/\(name)", "resource_name": NSNull()],
            "cluster_id": Self.clusterID, "topic_name": topicName, "name": name, "value": value,
            "is_default": source == "DEFAULT_CONFIG", "is_read_only": false, "is_sensitive": false, "source": source,
            "synonyms": synonyms,
        ]
    }

    private func unknownTopic() -> ServerResponse {
        kafkaError(404, 40403, "This server does not host this topic-partition.")
    }

    func kafkaError(_ status: Int, _ code: Int, _ message: String) -> ServerResponse {
        .jsonObject(["error_code": code, "message": message], status: status)
    }

    func cloudError(_ status: Int, _ code: String, _ detail: String) -> ServerResponse {
        .jsonObject(["errors": [["id": UUID().uuidString, "status": String(status), "code": code, "detail": detail]]], status: status)
    }
}
