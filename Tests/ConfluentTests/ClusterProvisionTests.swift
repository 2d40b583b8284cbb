import Dispatch
import Foundation
import HTTP
import TestSupport
import Testing

/// Runs the built `cluster-provision` against the Confluent Cloud double, as a user would.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct ClusterProvisionTests {
    struct Run {
        let fixture: ConfluentFixture
        let directory: URL

        var secretsDirectory: String { directory.appendingPathComponent("secrets").path }

        func config(type: String = "basic", region: String = "us-central1") throws -> String {
            let path = directory.appendingPathComponent("pipeline.yaml").path
            try """
                google:
                  region: \(region)
                kafka:
                  environment: \(ConfluentCloudDouble.environment)
                  cluster:
                    name: pipeline-prod
                    type: \(type)
                """.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }

        func run(_ arguments: [String], config: String? = nil, environment extra: [String: String] = [:]) async throws
            -> BuiltProduct.Result
        {
            let configPath = try config ?? self.config()
            var environment = [
                "CONFLUENT_CLOUD_API_KEY": ConfluentCloudDouble.cloudKey,
                "CONFLUENT_CLOUD_API_SECRET": ConfluentCloudDouble.cloudSecret, "HOME": directory.path,
            ]
            environment.merge(extra) { _, new in new }
            let all = arguments + [
                "--config", configPath, "--cloud-api-root", fixture.server.baseURL, "--poll-interval", "10ms",
                "--secrets-dir", secretsDirectory,
            ]
            let variables = environment
            let result = try await withCheckedThrowingContinuation { continuation in
                DispatchQueue.global().async {
                    continuation.resume(with: Result { try BuiltProduct.run("cluster-provision", all, environment: variables) })
                }
            }
            let secrets = fixture.double.keySecrets + [ConfluentCloudDouble.cloudSecret]
            for secret in secrets {
                #expect(!result.standardOutput.contains(secret) && !result.standardError.contains(secret), "a secret leaked")
            }
            return result
        }

        func envFile(_ program: String) -> [String: String] {
            let text = (try? String(contentsOfFile: "\(secretsDirectory)/\(program).env", encoding: .utf8)) ?? ""
            var values: [String: String] = [:]
            for line in text.split(separator: "\n") where !line.hasPrefix("#") {
                let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
                if parts.count == 2 { values[parts[0]] = parts[1] }
            }
            return values
        }

        func mode(_ path: String) throws -> Int {
            (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
        }
    }

    static func with(_ body: (Run) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cluster-provision-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try await ConfluentFixture.with { fixture in try await body(Run(fixture: fixture, directory: directory)) }
    }

    @Test func planApplyAgainStatusDestroy() async throws {
        try await Self.with { run in
            let double = run.fixture.double
            let plan = try await run.run(["plan"])
            #expect(plan.status == 0, "\(plan.standardError)")
            #expect(plan.standardOutput.contains("+ create cluster pipeline-prod: Basic, GCP us-central1, SINGLE_ZONE, in env-test7"), "\(plan.standardOutput)")
            #expect(plan.standardOutput.contains("+ create service account pipeline-prod-inference-app"))
            #expect(plan.standardOutput.contains("+ create ACL ALLOW User:<pipeline-prod-image-loadgen> READ GROUP image-pipeline-reader- (prefix)"))
            #expect(double.mutatingRequests.isEmpty, "plan changed something: \(double.mutatingRequests)")

            let apply = try await run.run(["apply"])
            #expect(apply.status == 0, "\(apply.standardError)")
            #expect(apply.standardError.contains("waiting for cluster pipeline-prod"), "\(apply.standardError)")
            #expect(apply.standardError.contains(": PROVISIONING"))
            #expect(apply.standardError.contains("not accepted yet (HTTP 401)"))
            #expect(double.clusterNames.contains("pipeline-prod"))
            #expect(double.serviceAccountNames.contains("pipeline-prod-inference-app"))

            // Each program's key, in a 0600 file in a 0700 folder, and nowhere else.
            for program in ["inference-app", "image-loadgen"] {
                let values = run.envFile(program)
                #expect(values["KAFKA_API_KEY"]?.isEmpty == false)
                #expect(double.keySecrets.contains(values["KAFKA_API_SECRET"] ?? "none"))
                #expect(values["KAFKA_BOOTSTRAP_SERVERS"]?.hasSuffix(".us-central1.gcp.confluent.cloud:9092") == true)
                #expect(try run.mode("\(run.secretsDirectory)/\(program).env") == 0o600)
            }
            #expect(try run.mode(run.secretsDirectory) == 0o700)

            // Least privilege, exactly.
            let cluster = try #require(double.clusterID(named: "pipeline-prod"))
            let acls = double.acls(cluster: cluster).map { acl -> String in
                ["operation", "resource_type", "resource_name", "pattern_type"].map { acl[$0] ?? "?" }.joined(separator: " ")
            }
            #expect(acls.sorted() == [
                "READ GROUP image-pipeline-reader- PREFIXED", "READ GROUP inference-app LITERAL", "READ TOPIC images LITERAL",
                "READ TOPIC images LITERAL", "READ TOPIC predictions LITERAL", "WRITE TOPIC images LITERAL",
                "WRITE TOPIC images-dlq LITERAL", "WRITE TOPIC predictions LITERAL",
            ])

            double.clearRequests()
            let again = try await run.run(["apply"])
            #expect(again.status == 0, "\(again.standardError)")
            #expect(again.standardOutput.hasSuffix("Nothing to do.\n"), "\(again.standardOutput)")
            #expect(double.mutatingRequests.isEmpty, "second apply changed something: \(double.mutatingRequests)")

            // Without the secret on disk, apply still replaces nothing, and says why.
            try FileManager.default.removeItem(atPath: "\(run.secretsDirectory)/image-loadgen.env")
            let lost = try await run.run(["apply"])
            #expect(lost.status == 0)
            #expect(lost.standardOutput.contains("does not hold its secret: apply never replaces a key"), "\(lost.standardOutput)")
            #expect(double.mutatingRequests.isEmpty)

            let status = try await run.run(["status", "--output", "json"])
            #expect(status.status == 0)
            let object = try JSONSerialization.jsonObject(with: Data(status.standardOutput.utf8)) as? [String: Any]
            let items = object?["items"] as? [[String: Any]] ?? []
            let expectedItems = 14  // cluster, 2 service accounts, the admin key, 2 program keys, 8 ACLs
            #expect(items.count == expectedItems, "\(items)")

            let refused = try await run.run(["destroy"])
            #expect(refused.status == 64)
            #expect(refused.standardOutput.contains("- delete cluster pipeline-prod"))
            let destroy = try await run.run(["destroy", "--yes"])
            #expect(destroy.status == 0, "\(destroy.standardError)")
            #expect(!double.clusterNames.contains("pipeline-prod"))
            #expect(double.serviceAccountNames.isEmpty)
            #expect(!FileManager.default.fileExists(atPath: "\(run.secretsDirectory)/inference-app.env"))
            #expect(double.keyIDs.sorted() == [ConfluentCloudDouble.cloudKey, ConfluentCloudDouble.kafkaKey].sorted())
        }
    }

    @Test func failedClusterIsOneLine() async throws {
        try await Self.with { run in
            run.fixture.double.failNextCluster()
            let apply = try await run.run(["apply"])
            #expect(apply.status == 1)
            let errors = apply.standardError.split(separator: "\n").filter { $0.hasPrefix("Error:") }
            #expect(errors.count == 1, "\(apply.standardError)")
            #expect(apply.standardError.contains("Confluent reports status.phase FAILED"), "\(apply.standardError)")
        }
    }

    @Test func forbiddenACLsNameTheFix() async throws {
        try await Self.with { run in
            run.fixture.double.denyACLs()
            let apply = try await run.run(["apply"])
            #expect(apply.status == 1)
            #expect(apply.standardError.contains("(HTTP 403, error 40301)"), "\(apply.standardError)")
            #expect(apply.standardError.contains("give its owner the CloudClusterAdmin role on it, or set KAFKA_API_KEY"))
            #expect(apply.standardError.split(separator: "\n").filter { $0.hasPrefix("Error:") }.count == 1)
        }
    }

    @Test(arguments: [
        ("basik", "us-central1", [String: String](), "'basik' is not one of Basic, Standard, Dedicated; did you mean Basic?"),
        ("basic", "us-central9", [:], "region 'us-central9' is not a Google Cloud region"),
        ("basic", "us-central1", ["CONFLUENT_CLOUD_API_KEY": ConfluentCloudDouble.kafkaKey, "CONFLUENT_CLOUD_API_SECRET": ConfluentCloudDouble.kafkaSecret],
         "was refused by the Cloud API: it needs a Cloud API key"),
        ("basic", "us-central1", ["KAFKA_API_KEY": "ONLYKEY"], "set both KAFKA_API_KEY and KAFKA_API_SECRET"),
    ])
    func badInputIsOneLineBeforeAnyWrite(type: String, region: String, environment: [String: String], expected: String)
        async throws
    {
        try await Self.with { run in
            let result = try await run.run(["apply"], config: try run.config(type: type, region: region), environment: environment)
            #expect(result.status == 64, "\(result.standardError)")
            #expect(result.standardError.contains(expected), "\(result.standardError)")
            #expect(result.standardError.split(separator: "\n").count == 1, "\(result.standardError)")
            #expect(run.fixture.double.mutatingRequests.isEmpty)
        }
    }

    @Test func helpTeaches() throws {
        let result = try BuiltProduct.run("cluster-provision", ["--help"])
        #expect(result.status == 0)
        #expect(result.standardOutput.contains("CONFLUENT_CLOUD_API_KEY"))
        #expect(result.standardOutput.contains("mode 0600"))
    }
}
