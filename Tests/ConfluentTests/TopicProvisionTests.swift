import Dispatch
import Foundation
import HTTP
import TestSupport
import Testing

/// A double for the test's duration, and the environment that points the tool at it.
struct ConfluentFixture {
    let double: ConfluentCloudDouble
    let server: EmbeddedHTTPServer

    static func with(_ body: (ConfluentFixture) async throws -> Void) async throws {
        let double = try ConfluentCloudDouble()
        let server = try await double.start()
        do {
            try await body(ConfluentFixture(double: double, server: server))
        } catch {
            await server.stop(timeout: 0.1)
            throw error
        }
        await server.stop(timeout: 0.1)
        #expect(double.violations == [], "every request and answer must fit the published contract")
    }

    var environment: [String: String] {
        [
            "KAFKA_REST_ENDPOINT": server.baseURL, "KAFKA_ID": ConfluentCloudDouble.clusterID,
            "KAFKA_API_KEY": ConfluentCloudDouble.kafkaKey, "KAFKA_API_SECRET": ConfluentCloudDouble.kafkaSecret,
        ]
    }

    /// Runs `topic-provision` off the cooperative pool, so the in-process double keeps answering meanwhile.
    func run(_ arguments: [String], environment extra: [String: String] = [:], removing: [String] = [])
        async throws -> BuiltProduct.Result
    {
        var environment = self.environment.merging(extra) { _, new in new }
        for name in removing { environment[name] = nil }
        return try await runTopicProvision(arguments, environment: environment)
    }
}

func runTopicProvision(_ arguments: [String], environment: [String: String]) async throws -> BuiltProduct.Result {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
            continuation.resume(with: Result { try BuiltProduct.run("topic-provision", arguments, environment: environment) })
        }
    }
}

/// A pipeline configuration in a temporary file.
func configFile(_ topics: String) throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("pipeline-\(UUID()).yaml").path
    try "kafka:\n  topics:\n\(topics)".write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

let pipelineTopics = """
        - name: images
          partitions: 6
          configs:
            retention.ms: "3600000"
            max.message.bytes: "2097152"
        - name: predictions
          partitions: 6
          configs:
            retention.ms: "86400000"
        - name: images-dlq
          partitions: 1

    """

extension BuiltProduct.Result {
    var output: String { standardOutput + standardError }
    var outputLines: [String] { standardOutput.split(separator: "\n").map(String.init) }
    /// The error lines of standard error, without the progress log.
    var errorLines: [String] { standardError.split(separator: "\n").map(String.init).filter { $0.hasPrefix("Error: ") } }
}

@Suite(.serialized, .timeLimit(.minutes(3)))
struct TopicProvisionTests {
    @Test func firstApplyCreatesAndSecondChangesNothing() async throws {
        try await ConfluentFixture.with { fixture in
            let config = try configFile(pipelineTopics)
            fixture.double.seed("unrelated", partitions: 2)
            fixture.double.hideNewTopics(forReads: 2)

            let plan = try await fixture.run(["plan", "--config", config, "--detailed-exitcode"])
            #expect(plan.status == 2, "changes pending")
            #expect(plan.outputLines == [
                "+ create images: 6 partitions, replication factor 3, max.message.bytes=2097152, retention.ms=3600000",
                "+ create predictions: 6 partitions, replication factor 3, retention.ms=86400000",
                "+ create images-dlq: 1 partitions, replication factor 3",
                "Plan: 3 to create, 0 to update, 0 up to date, 0 refused.",
            ])
            #expect(fixture.double.mutatingRequests == [], "plan changes nothing")

            let apply = try await fixture.run(["apply", "--config", config])
            #expect(apply.status == 0, "\(apply.standardError)")
            #expect(apply.outputLines.suffix(4) == [
                "created images", "created predictions", "created images-dlq", "Apply complete: 3 created.",
            ])
            let topics = fixture.double.topics
            #expect(topics["images"] == .init(partitions: 6, replicationFactor: 3, configs: ["retention.ms": "3600000", "max.message.bytes": "2097152"]))
            #expect(topics["predictions"] == .init(partitions: 6, replicationFactor: 3, configs: ["retention.ms": "86400000"]))
            #expect(topics["images-dlq"] == .init(partitions: 1, replicationFactor: 3))
            #expect(topics["unrelated"] != nil, "undeclared topics are left alone")
            // Each created topic was read until it was visible (the double hides it for two reads).
            let reads = fixture.double.requests.filter { $0 == "GET /kafka/v3/clusters/lkc-test42/topics/images" }
            #expect(reads.count == 2 + 3, "one read by each plan, then reads until the topic showed up")

            fixture.double.clearRequests()
            let again = try await fixture.run(["apply", "--config", config])
            #expect(again.status == 0)
            #expect(again.outputLines.last == "Apply complete: 3 unchanged.")
            #expect(fixture.double.mutatingRequests == [], "nothing to do the second time")
            let planAgain = try await fixture.run(["plan", "--config", config, "--detailed-exitcode"])
            #expect(planAgain.status == 0)
            #expect(planAgain.outputLines.last == "Plan: 0 to create, 0 to update, 3 up to date, 0 refused.")
        }
    }

    @Test func anEditedPartitionCountOrConfigIsPlannedThenApplied() async throws {
        try await ConfluentFixture.with { fixture in
            fixture.double.seed("images", partitions: 3, configs: ["retention.ms": "3600000", "cleanup.policy": "delete,compact"])
            let arguments = ["--topic", "images:6:retention.ms=7200000,cleanup.policy=compact,delete"]

            let plan = try await fixture.run(["plan", "--output", "json", "--detailed-exitcode"] + arguments)
            #expect(plan.status == 2)
            let document = try #require(JSONValue.parse(Data(plan.standardOutput.utf8)))
            #expect(document["changes_pending"] == .bool(true))
            let topic = try #require(document["topics"]?.array?.first)
            #expect(topic["action"] == .string("update"))
            #expect(topic["partitions"] == .object(["current": .integer(3), "desired": .integer(6)]))
            // cleanup.policy holds the same set in another order, and server defaults are not drift.
            #expect(topic["config_changes"] == .array([
                .object(["name": .string("retention.ms"), "current": .string("3600000"), "desired": .string("7200000")])
            ]))

            let text = try await fixture.run(["plan"] + arguments)
            #expect(text.outputLines == [
                "~ update images: partitions 3 -> 6", "~ update images: retention.ms 3600000 -> 7200000",
                "Plan: 0 to create, 1 to update, 0 up to date, 0 refused.",
            ])

            fixture.double.clearRequests()
            let apply = try await fixture.run(["apply"] + arguments)
            #expect(apply.status == 0, "\(apply.standardError)")
            #expect(apply.outputLines.suffix(2) == [
                "updated images: partitions 3 -> 6, retention.ms 3600000 -> 7200000", "Apply complete: 1 updated.",
            ])
            #expect(fixture.double.mutatingRequests == [
                "PATCH /kafka/v3/clusters/lkc-test42/topics/images",
                "POST /kafka/v3/clusters/lkc-test42/topics/images/configs:alter",
            ])
            #expect(fixture.double.topics["images"]?.partitions == 6)
            #expect(fixture.double.topics["images"]?.configs["retention.ms"] == "7200000")
            let after = try await fixture.run(["plan", "--detailed-exitcode"] + arguments)
            #expect(after.status == 0)
        }
    }

    @Test func aPartitionDecreaseIsRefusedAndNothingChanges() async throws {
        try await ConfluentFixture.with { fixture in
            fixture.double.seed("images", partitions: 12)
            let plan = try await fixture.run(["plan", "--topic", "images:6", "--topic", "predictions:6"])
            #expect(plan.status == 1)
            #expect(plan.outputLines.first?.hasPrefix("! refused: topic images has 12 partitions and 6 are declared: Kafka cannot remove partitions") == true)
            let refusal = "Error: refusing to apply, nothing was changed: topic images has 12 partitions and 6 are declared: "
                + "Kafka cannot remove partitions (declare 12 or more, or destroy and recreate the topic, losing its messages)"
            #expect(plan.errorLines == [refusal], "plan and apply refuse in the same words")

            let apply = try await fixture.run(["apply", "--topic", "images:6", "--topic", "predictions:6"])
            #expect(apply.status == 1)
            #expect(apply.errorLines == [refusal])
            #expect(fixture.double.mutatingRequests == [], "not even the topic that could be created")
            #expect(fixture.double.topics["images"]?.partitions == 12)
        }
    }

    @Test func aTopicThatAlreadyExistsCountsAsSuccess() async throws {
        try await ConfluentFixture.with { fixture in
            // The create goes through but its answer is lost (503, 50003); the retry then hears 40002.
            fixture.double.loseNextCreateResponse()
            let apply = try await fixture.run(["apply", "--topic", "images:4:retention.ms=3600000"])
            #expect(apply.status == 0, "\(apply.standardError)")
            #expect(apply.outputLines.suffix(2) == ["already existed images", "Apply complete: 1 already existed."])
            let creates = fixture.double.requests.filter { $0 == "POST /kafka/v3/clusters/lkc-test42/topics" }
            #expect(creates.count == 2)
            #expect(fixture.double.topics["images"] == .init(partitions: 4, replicationFactor: 3, configs: ["retention.ms": "3600000"]))

            // Another 40002 (a replication factor the cluster cannot have) stays an error, with Confluent's words.
            let config = try configFile("    - name: audit\n      partitions: 1\n      replication_factor: 5\n")
            let bad = try await fixture.run(["apply", "--config", config])
            #expect(bad.status == 1)
            #expect(bad.errorLines == [
                "Error: create topic audit failed (HTTP 400, error 40002): Replication factor: 5 larger than available brokers: 3."
            ])
        }
    }

    @Test func throttlingAndRetriableErrorsAreRetried() async throws {
        try await ConfluentFixture.with { fixture in
            fixture.double.inject([ConfluentCloudDouble.throttled, ConfluentCloudDouble.retriable, ConfluentCloudDouble.throttled])
            let apply = try await fixture.run(["apply", "--topic", "images:2"])
            #expect(apply.status == 0, "\(apply.standardError)")
            #expect(fixture.double.topics["images"]?.partitions == 2)
            let firstRead = "GET /kafka/v3/clusters/lkc-test42/topics/images"
            #expect(Array(fixture.double.requests.prefix(4)) == Array(repeating: firstRead, count: 4), "three failures, then the answer")
            #expect(apply.standardError.contains("retrying GET"), "retries are reported on standard error")
        }
    }

    @Test func validateOnlyAsksTheClusterAndChangesNothing() async throws {
        try await ConfluentFixture.with { fixture in
            fixture.double.seed("predictions", partitions: 2)
            let apply = try await fixture.run(
                ["apply", "--validate-only", "--topic", "images:3:retention.ms=60000", "--topic", "predictions:4:retention.ms=60000"])
            #expect(apply.status == 0, "\(apply.standardError)")
            #expect(apply.outputLines.suffix(3) == [
                "validated images: create",
                "validated predictions: partitions 2 -> 4 (not validated: the API has no dry run for it), retention.ms 604800000 -> 60000",
                "Validation complete (nothing changed): 2 validated.",
            ])
            #expect(fixture.double.topics["images"] == nil)
            #expect(fixture.double.topics["predictions"] == .init(partitions: 2, replicationFactor: 3))
        }
    }

    @Test func destroyNeedsBothFlagsAndDeletesOnlyDeclaredTopics() async throws {
        try await ConfluentFixture.with { fixture in
            fixture.double.seed("images", partitions: 6)
            fixture.double.seed("keep-me", partitions: 1)
            for flags in [[], ["--allow-delete"], ["--yes"]] {
                let refused = try await fixture.run(["destroy", "--topic", "images:6"] + flags)
                #expect(refused.status == 64)
                #expect(refused.errorLines == [
                    "Error: destroy deletes the declared topics and all their messages; pass both --allow-delete and --yes"
                ])
            }
            #expect(fixture.double.requests == [], "a refused destroy never reaches the cluster")

            let destroy = try await fixture.run(["destroy", "--topic", "images:6", "--topic", "gone:1", "--allow-delete", "--yes"])
            #expect(destroy.status == 0, "\(destroy.standardError)")
            #expect(destroy.outputLines == ["deleted images", "absent gone (nothing to delete)", "Destroy complete: 1 deleted."])
            #expect(Set(fixture.double.topics.keys) == ["keep-me"])
        }
    }

    @Test func statusShowsManagedConfigsOnly() async throws {
        try await ConfluentFixture.with { fixture in
            fixture.double.seed("images", partitions: 6, configs: ["retention.ms": "3600000", "segment.ms": "1000"])
            let status = try await fixture.run(["status", "--topic", "images:6:retention.ms=3600000", "--topic", "missing:1"])
            #expect(status.status == 0)
            #expect(status.outputLines == [
                "images: 6 partitions, replication factor 3, retention.ms=3600000", "missing: absent",
            ])
        }
    }

    @Test func theEndpointIsLookedUpWithACloudAPIKey() async throws {
        try await ConfluentFixture.with { fixture in
            let cloud = [
                "CONFLUENT_CLOUD_API_KEY": ConfluentCloudDouble.cloudKey,
                "CONFLUENT_CLOUD_API_SECRET": ConfluentCloudDouble.cloudSecret,
            ]
            let plan = try await fixture.run(
                ["plan", "--topic", "images:1", "--environment", ConfluentCloudDouble.environment,
                 "--cloud-api-root", fixture.server.baseURL, "--log-level", "trace"],
                environment: cloud, removing: ["KAFKA_REST_ENDPOINT"])
            #expect(plan.status == 0, "\(plan.standardError)")
            #expect(fixture.double.requests.first == "GET /cmk/v2/clusters/lkc-test42?environment=env-test7")
            #expect(plan.outputLines.first == "+ create images: 1 partitions, replication factor 3")
            #expect(!plan.output.contains(ConfluentCloudDouble.cloudSecret))
            #expect(!plan.output.contains(ConfluentCloudDouble.kafkaSecret))

            let wrongEnvironment = try await fixture.run(
                ["plan", "--topic", "images:1", "--environment", "env-other", "--cloud-api-root", fixture.server.baseURL],
                environment: cloud, removing: ["KAFKA_REST_ENDPOINT"])
            #expect(wrongEnvironment.status == 1)
            #expect(wrongEnvironment.errorLines == [
                "Error: look up the REST endpoint of cluster lkc-test42 in environment env-other failed (HTTP 404): "
                    + "resource_not_found: The cluster was not found in this environment."
            ])
        }
    }

    @Test func rejectedKeysAreNamedAndSecretsNeverShown() async throws {
        try await ConfluentFixture.with { fixture in
            let wrongSecret = "cfltWrongSecretAlsoNeverPrinted00"
            let rejected = try await fixture.run(
                ["plan", "--topic", "images:1", "--log-level", "trace"], environment: ["KAFKA_API_SECRET": wrongSecret])
            #expect(rejected.status == 1)
            let line = try #require(rejected.errorLines.first)
            #expect(line == "Error: read topic images failed (HTTP 401, error 40101): Authentication failed "
                + "[API key KAFKAKEYTEST0001 was rejected: check the key, its secret, and that the key is meant for this cluster or API]")
            #expect(!rejected.output.contains(wrongSecret))
            let encoded = Data("\(ConfluentCloudDouble.kafkaKey):\(wrongSecret)".utf8).base64EncodedString()
            #expect(!rejected.output.contains(encoded))

            fixture.double.inject([.jsonObject(["error_code": 40301, "message": "Request is not authorized"], status: 403)])
            let forbidden = try await fixture.run(["plan", "--topic", "images:1"])
            #expect(forbidden.status == 1)
            #expect(forbidden.errorLines == [
                "Error: read topic images failed (HTTP 403, error 40301): Request is not authorized "
                    + "[API key KAFKAKEYTEST0001 lacks permission: grant its account a role or ACL that allows this]"
            ])

            let traced = try await fixture.run(["apply", "--topic", "images:1", "--log-level", "trace"])
            #expect(traced.status == 0)
            #expect(traced.standardError.contains("Authorization: Basic [redacted]"), "requests are logged, the key masked")
            #expect(!traced.output.contains(ConfluentCloudDouble.kafkaSecret))
        }
    }

    @Test(arguments: [
        (["plan", "--topic", "images:6:Retention_MS=1"], [String: String](), "'Retention_MS' is not a Kafka topic config name"),
        (["plan", "--topic", "images:-3"], [:], "partitions must be a whole number of at least 1, got '-3'"),
        (["plan", "--topic", "images:6:retention.ms"], [:], "expected name[:partitions[:key=value,...]]"),
        (["plan", "--topic", "images:1", "--topic", "images:2"], [:], "--topic images is given twice"),
        (["plan", "--rest-endpoint", "ftp://pkc-1.confluent.cloud"], [:], "scheme ftp is not http or https"),
        (["plan", "--rest-endpoint", "http://pkc-1.confluent.cloud"], [:], "plain http:// is allowed only to loopback"),
        (["plan", "--cluster-id", "lkc-ABC"], [:], "cluster id 'lkc-ABC' (--cluster-id, KAFKA_ID or kafka.cluster_id) is malformed"),
        (["plan", "--cluster-id", "cluster-1"], [:], "is malformed: expected lkc- followed by lowercase letters or digits"),
        (["plan"], ["KAFKA_API_KEY": ""], "set both KAFKA_API_KEY and KAFKA_API_SECRET"),
        (["plan"], ["KAFKA_API_KEY": "", "KAFKA_API_SECRET": ""], "no cluster API key: set KAFKA_API_KEY and KAFKA_API_SECRET"),
        (["plan"], ["KAFKA_REST_ENDPOINT": ""], "no REST endpoint: pass --rest-endpoint"),
        (["plan", "--wait-timeout", "soon"], [:], "--wait-timeout soon"),
    ])
    func badInputIsOneLineAndExitsNonZero(arguments: [String], environment: [String: String], mentions: String) async throws {
        let base = [
            "KAFKA_REST_ENDPOINT": "https://pkc-1.confluent.cloud", "KAFKA_ID": "lkc-abc1",
            "KAFKA_API_KEY": "KEYID", "KAFKA_API_SECRET": "cfltBadInputSecretNeverShown",
        ]
        let result = try await runTopicProvision(arguments, environment: base.merging(environment) { _, new in new })
        #expect(result.status == 64)
        #expect(result.standardOutput.isEmpty)
        #expect(result.standardError.split(separator: "\n").count == 1, "\(result.standardError)")
        #expect(result.errorLines.count == 1)
        #expect(result.standardError.contains(mentions), "\(result.standardError)")
        #expect(!result.output.contains("cfltBadInputSecretNeverShown"))
    }

    @Test func aConfigKeyWithABadFormatInTheFileNamesFileAndLine() async throws {
        let config = try configFile("    - name: images\n      configs:\n        Retention-MS: \"1\"\n")
        let result = try await runTopicProvision(["plan", "--config", config], environment: [:])
        #expect(result.status == 64)
        #expect(result.errorLines == [
            "Error: \(config):5: kafka.topics[0].configs: 'Retention-MS' is not a Kafka topic config name; use lowercase words joined by dots, such as retention.ms"
        ])
    }

    @Test func helpTeaches() async throws {
        let result = try await runTopicProvision(["--help"], environment: [:])
        #expect(result.status == 0)
        for expected in ["plan", "apply", "status", "destroy", "KAFKA_REST_ENDPOINT", "CONFLUENT_CLOUD_API_KEY", "Examples:"] {
            #expect(result.standardOutput.contains(expected), "\(expected)")
        }
    }
}
