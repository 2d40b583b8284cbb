import Confluent
import Foundation
import HTTP
import PipelineConfig
import Testing

@Suite struct OpenAPIContractTests {
    let contract: OpenAPIContract

    init() throws {
        contract = try OpenAPIContract.shared("confluent-cloud-kafkarest-v3.topics.yaml")
    }

    private func request(_ method: String, _ path: String, body: String?, authorized: Bool = true) -> ServerRequest {
        var headers = [HTTPHeader("Content-Type", "application/json")]
        if authorized { headers.append(HTTPHeader("Authorization", "Basic " + Data("key:secret".utf8).base64EncodedString())) }
        return ServerRequest(method: method, path: path, headers: headers, body: Data((body ?? "").utf8))
    }

    /// The checks the double relies on can fail: a contract that accepted anything would prove nothing.
    @Test func catchesWhatTheAPIWouldReject() throws {
        let path = "/kafka/v3/clusters/lkc-1/topics"
        let operation = try #require(contract.operation(method: "POST", path: path))
        #expect(operation.id == "createKafkaTopic")
        #expect(contract.violations(of: request("POST", path, body: #"{"topic_name":"a","partitions_count":3}"#), operation: operation) == [])
        let cases: [(String, String)] = [
            (#"{"partitions_count":3}"#, "required field 'topic_name' is missing"),
            (#"{"topic_name":"a","partitions":3}"#, "field 'partitions' is not in the schema"),
            (#"{"topic_name":"a","partitions_count":"3"}"#, "body.partitions_count: expected integer"),
            (#"{"topic_name":"a","configs":[{"value":"1"}]}"#, "body.configs[0]: required field 'name' is missing"),
            ("not json", "the body is not JSON"),
        ]
        for (body, problem) in cases {
            let problems = contract.violations(of: request("POST", path, body: body), operation: operation)
            #expect(problems.contains { $0.contains(problem) }, "\(body): \(problems)")
        }
        let unsigned = contract.violations(of: request("POST", path, body: #"{"topic_name":"a"}"#, authorized: false), operation: operation)
        #expect(unsigned.contains { $0.contains("no HTTP Basic Authorization header") })

        let alter = try #require(contract.operation(method: "POST", path: "\(path)/images/configs:alter"))
        #expect(alter.id == "updateKafkaTopicConfigBatch" && alter.pathParameters["topic_name"] == "images")
        let badOperation = contract.violations(
            of: request("POST", "\(path)/images/configs:alter", body: #"{"data":[{"name":"a","operation":"REPLACE"}]}"#),
            operation: alter)
        #expect(badOperation.contains { $0.contains("'REPLACE' is not one of SET, DELETE") })
        #expect(contract.operation(method: "PUT", path: path) == nil)
        #expect(contract.operation(method: "GET", path: "\(path)/-/configs")?.id == "listKafkaAllTopicConfigs")
    }
}

@Suite struct TopicPlannerTests {
    let images = TopicSettings(name: "images", partitions: 6, configs: ["retention.ms": "3600000"])

    private func state(partitions: Int = 6, replicationFactor: Int = 3, configs: [String: String]) -> KafkaTopicState {
        KafkaTopicState(name: "images", partitions: partitions, replicationFactor: replicationFactor, configs: configs)
    }

    @Test func serverDefaultsAreNotDrift() {
        let current = state(configs: ["retention.ms": "3600000", "cleanup.policy": "delete", "segment.ms": "1"])
        #expect(TopicPlanner.entry(desired: images, current: current).action == .none)
    }

    @Test func aMissingTopicIsCreated() {
        let plan = TopicPlanner.plan(desired: [images], current: [:])
        #expect(plan.entries.map(\.action) == [.create])
        #expect(plan.hasChanges)
    }

    @Test func managedDifferencesAreChanges() {
        let entry = TopicPlanner.entry(desired: images, current: state(partitions: 4, configs: ["retention.ms": "1"]))
        #expect(entry.action == .update)
        #expect(entry.partitionIncrease?.from == 4 && entry.partitionIncrease?.to == 6)
        #expect(entry.configChanges == [TopicConfigChange(name: "retention.ms", current: "1", desired: "3600000")])
    }

    @Test func listValuesCompareAsSets() {
        let desired = TopicSettings(name: "images", partitions: 6, configs: ["cleanup.policy": "compact, delete"])
        #expect(TopicPlanner.entry(desired: desired, current: state(configs: ["cleanup.policy": "delete,compact"])).action == .none)
        #expect(TopicPlanner.entry(desired: desired, current: state(configs: ["cleanup.policy": "delete"])).action == .update)
    }

    @Test func whatNoAPICanDoIsRefused() {
        let fewer = TopicPlanner.entry(desired: images, current: state(partitions: 8, configs: ["retention.ms": "3600000"]))
        #expect(fewer.action == .refused)
        #expect(fewer.refusals.first?.contains("Kafka cannot remove partitions") == true)
        let replicas = TopicPlanner.entry(desired: images, current: state(replicationFactor: 1, configs: [:]))
        #expect(replicas.action == .refused)
        #expect(replicas.refusals.first?.contains("replication factor 1 and 3 is declared") == true)
    }

    @Test func configNamesAreChecked() {
        #expect(TopicSettings.validate(configName: "retention.ms") == nil)
        #expect(TopicSettings.validate(configName: "preallocate") == nil)
        for bad in ["Retention.ms", "retention..ms", "retention_ms", ".ms", "retention.ms.", ""] {
            #expect(TopicSettings.validate(configName: bad) != nil, "\(bad)")
        }
    }
}
