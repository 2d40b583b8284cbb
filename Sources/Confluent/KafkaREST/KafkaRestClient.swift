import Foundation
import HTTP

/// The topic paths of Confluent Cloud's Kafka REST v3 admin API
/// (`/kafka/v3/clusters/{cluster_id}/topics...`), with a Kafka-cluster API key as Basic auth.
///
/// Answers `FailureKind(httpStatus:)` calls retriable (408, 429 and 5xx, Kafka's 50003 among them) are retried with
/// backoff by `HTTPClient`; anything else that is not a success becomes a `ConfluentError` carrying Confluent's
/// `error_code` as its `code`.
public struct KafkaRestClient: Sendable {
    public let endpoint: String
    public let clusterID: String
    private let credentials: ConfluentCredentials
    private let http: HTTPClient

    /// `endpoint` is the cluster's REST endpoint, such as `https://pkc-12345.us-east-1.aws.confluent.cloud:443`.
    public init(endpoint: String, clusterID: String, credentials: ConfluentCredentials, http: HTTPClient) {
        self.endpoint = endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
        self.clusterID = clusterID
        self.credentials = credentials
        self.http = http
    }

    var clusterURL: String { "\(endpoint)/kafka/v3/clusters/\(clusterID)" }

    private var topicsURL: String { "\(endpoint)/kafka/v3/clusters/\(clusterID)/topics" }

    private func topicURL(_ name: String) -> String { "\(topicsURL)/\(name)" }

    // MARK: Reading

    /// The topic, or nil when the cluster does not have it (404).
    public func topic(named name: String) async throws -> KafkaTopicState? {
        let response = try await send(HTTPRequest(.get, topicURL(name)), "read topic \(name)", allowing: [404])
        guard response.status != 404 else { return nil }
        let topic = try decode(KafkaRestTopic.self, response, "read topic \(name)")
        return KafkaTopicState(
            name: topic.topic_name, partitions: topic.partitions_count, replicationFactor: topic.replication_factor)
    }

    /// The topic with its configs, or nil when the cluster does not have it.
    public func topicWithConfigs(named name: String) async throws -> KafkaTopicState? {
        guard var topic = try await topic(named: name) else { return nil }
        guard let configs = try await configs(ofTopic: name) else { return nil }
        topic.configs = configs
        return topic
    }

    /// Every config of the topic that has a value, following `metadata.next` pages; nil when the topic is gone.
    public func configs(ofTopic name: String) async throws -> [String: String]? {
        var configs: [String: String] = [:]
        var next: String? = "\(topicURL(name))/configs"
        while let url = next {
            let response = try await send(HTTPRequest(.get, url), "read configs of topic \(name)", allowing: [404])
            guard response.status != 404 else { return nil }
            let page = try decode(KafkaRestList<KafkaRestConfig>.self, response, "read configs of topic \(name)")
            for config in page.data {
                if let value = config.value { configs[config.name] = value }
            }
            next = page.metadata.next
        }
        return configs
    }

    // MARK: Changing

    /// Creates the topic; with `validateOnly` the cluster only checks that it could (and answers 200, not 201).
    /// Throws a `ConfluentError` with code 40002 when the topic exists.
    public func createTopic(
        name: String, partitions: Int, replicationFactor: Int, configs: [String: String], validateOnly: Bool
    ) async throws {
        let body = CreateTopicRequest(
            topic_name: name, partitions_count: partitions, replication_factor: replicationFactor,
            configs: configs.sorted { $0.key < $1.key }.map { .init(name: $0.key, value: $0.value) },
            validate_only: validateOnly ? true : nil)
        _ = try await send(try .json(.post, topicsURL, body: body), "create topic \(name)")
    }

    /// Raises the partition count. Kafka never lowers one.
    public func setPartitionCount(_ partitions: Int, ofTopic name: String) async throws {
        _ = try await send(
            try .json(.patch, topicURL(name), body: UpdatePartitionCountRequest(partitions_count: partitions)),
            "raise partitions of topic \(name) to \(partitions)")
    }

    /// Sets configs in one batch (`configs:alter`); with `validateOnly` the cluster only checks them.
    public func setConfigs(_ configs: [String: String], ofTopic name: String, validateOnly: Bool) async throws {
        let body = AlterConfigBatchRequest(
            data: configs.sorted { $0.key < $1.key }.map { .init(name: $0.key, value: $0.value, operation: "SET") },
            validate_only: validateOnly ? true : nil)
        _ = try await send(try .json(.post, "\(topicURL(name))/configs:alter", body: body), "alter configs of topic \(name)")
    }

    /// Deletes the topic and its messages. Returns false when it was not there.
    public func deleteTopic(named name: String) async throws -> Bool {
        let response = try await send(HTTPRequest(.delete, topicURL(name)), "delete topic \(name)", allowing: [404])
        return response.status != 404
    }

    // MARK: Transport

    func send(_ request: HTTPRequest, _ operation: String, allowing allowed: Set<Int> = []) async throws
        -> HTTPResponse
    {
        try await http.send(request, signedWith: credentials, operation: operation, allowing: allowed)
    }

    func decode<Value: Decodable>(_ type: Value.Type, _ response: HTTPResponse, _ operation: String) throws -> Value {
        try response.decode(type, answering: operation, shape: "the Kafka REST v3 shape")
    }
}

// MARK: Wire shapes, named as the API names them.

struct KafkaRestTopic: Decodable {
    let topic_name: String
    let partitions_count: Int
    let replication_factor: Int
}

struct KafkaRestConfig: Decodable {
    let name: String
    let value: String?
}

struct KafkaRestList<Element: Decodable>: Decodable {
    struct Metadata: Decodable {
        let next: String?
    }
    let metadata: Metadata
    let data: [Element]
}

struct CreateTopicRequest: Encodable {
    struct Config: Encodable {
        let name: String
        let value: String
    }
    let topic_name: String
    let partitions_count: Int
    let replication_factor: Int
    let configs: [Config]
    let validate_only: Bool?
}

struct UpdatePartitionCountRequest: Encodable {
    let partitions_count: Int
}

struct AlterConfigBatchRequest: Encodable {
    struct Entry: Encodable {
        let name: String
        let value: String
        let operation: String
    }
    let data: [Entry]
    let validate_only: Bool?
}
