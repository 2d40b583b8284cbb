import Foundation
import GoogleTestSupport
import TestSupport
import Testing

/// Runs the built `model-provision` against the contract server, as a user would.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct ModelProvisionTests {
    /// A temporary home with a key file and a pipeline configuration, and the server they point at.
    struct Fixture {
        let server: GoogleContractServer
        let directory: URL
        let keyPath: String
        let configPath: String

        static func start(api: String = "vertex") async throws -> Fixture {
            let server = try await GoogleContractServer.start()
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("model-provision-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let keyPath = try server.writeServiceAccountKey(in: directory)
            let configPath = directory.appendingPathComponent("pipeline.yaml").path
            try """
                google:
                  region: us-central1
                  api: \(api)
                  model:
                    name: image-classifier
                    saved_model_uri: gs://contract-bucket/models/image-classifier/
                    min_replicas: 1
                    max_replicas: 2
                    labels:
                      pipeline: image-recognition
                """.write(toFile: configPath, atomically: true, encoding: .utf8)
            return Fixture(server: server, directory: directory, keyPath: keyPath, configPath: configPath)
        }

        var environment: [String: String] {
            [
                "HOME": directory.path, "CLOUDSDK_CONFIG": directory.appendingPathComponent("gcloud").path,
                "GOOGLE_APPLICATION_CREDENTIALS": keyPath, "PIPELINE_GOOGLE_API_ROOT": server.baseURL,
                "PIPELINE_CONFIG": configPath,
            ]
        }

        /// Runs the tool off the cooperative thread pool, which the in-process server needs.
        func run(_ arguments: [String], environment extra: [String: String] = [:]) async throws -> BuiltProduct.Result {
            let environment = environment.merging(extra) { _, new in new }
            let result = try await withCheckedThrowingContinuation { continuation in
                DispatchQueue.global().async {
                    continuation.resume(with: Result { try BuiltProduct.run("model-provision", arguments, environment: environment) })
                }
            }
            let secrets = [server.privateKeyPEM, "MII", "ya29.", server.refreshToken]
            for secret in secrets {
                #expect(!result.standardOutput.contains(secret) && !result.standardError.contains(secret), "secret leaked")
            }
            return result
        }

        func finish() async {
            await server.stop()
            try? FileManager.default.removeItem(at: directory)
        }
    }

    static let fast = ["--poll-interval", "10ms"]

    @Test func vertexWholeFlow() async throws {
        let fixture = try await Fixture.start()
        defer { Task { await fixture.finish() } }

        let plan = try await fixture.run(["plan"] + Self.fast)
        #expect(plan.status == 0, "\(plan.standardError)")
        #expect(plan.standardOutput.contains("+ create model projects/contract-project/locations/us-central1/models/image-classifier"))
        #expect(plan.standardOutput.contains("POST \(fixture.server.baseURL)/v1/projects/contract-project/locations/us-central1/models:upload"))
        #expect(plan.standardOutput.contains("service account model-deployer@contract-project.iam.gserviceaccount.com"))
        #expect(fixture.server.requests.allSatisfy { $0.httpMethod == "GET" }, "plan must not change anything")

        let apply = try await fixture.run(["apply"] + Self.fast)
        #expect(apply.status == 0, "\(apply.standardError)")
        #expect(apply.standardOutput.contains("predict URL: \(fixture.server.baseURL)/v1/projects/contract-project/locations/us-central1/endpoints/image-classifier-endpoint:predict"))
        #expect(fixture.server.requests("models.upload").count == 1)
        #expect(fixture.server.requests("endpoints.create").count == 1)
        #expect(fixture.server.requests("endpoints.deployModel").count == 1)
        #expect(fixture.server.requests("operations.get").count >= 3 * fixture.server.operationPolls)
        #expect(fixture.server.tokenRequests == 2, "one token per run, cached for all its calls")

        let before = fixture.server.requests.count
        let again = try await fixture.run(["apply", "--output", "json"] + Self.fast)
        #expect(again.status == 0, "\(again.standardError)")
        let second = fixture.server.requests.dropFirst(before)
        #expect(second.allSatisfy { $0.httpMethod == "GET" }, "second apply sent \(second.map(\.methodID))")
        let status = try JSONSerialization.jsonObject(with: Data(again.standardOutput.utf8)) as? [String: Any]
        #expect((status?["predictURL"] as? String)?.hasSuffix("endpoints/image-classifier-endpoint:predict") == true)

        // Trace logging shows every request's headers: still no token (checked by `run`).
        let traced = try await fixture.run(["status", "--log-level", "trace"])
        #expect(traced.status == 0)
        #expect(traced.standardError.contains("Authorization: Bearer [redacted]"), "\(traced.standardError)")

        let image = fixture.directory.appendingPathComponent("cat.jpg")
        try Data([0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 0xFF, 0xD9]).write(to: image)
        let predict = try await fixture.run(["predict", "--image", image.path])
        #expect(predict.status == 0, "\(predict.standardError)")
        #expect(predict.standardOutput.contains("\"input_bytes\":9"))

        let refused = try await fixture.run(["destroy"] + Self.fast)
        #expect(refused.status == 64)
        #expect(refused.standardError.contains("--yes"))
        #expect(!fixture.server.resourceNames.isEmpty)

        let destroy = try await fixture.run(["destroy", "--yes"] + Self.fast)
        #expect(destroy.status == 0, "\(destroy.standardError)")
        #expect(fixture.server.resourceNames.isEmpty, "left: \(fixture.server.resourceNames)")
        let order = fixture.server.requests.map(\.methodID).filter { $0.hasSuffix("delete") || $0.hasSuffix("undeployModel") }
        #expect(order.map { $0.split(separator: ".").suffix(2).joined(separator: ".") } == [
            "endpoints.undeployModel", "endpoints.delete", "models.delete",
        ])
        #expect(fixture.server.violations.isEmpty, "\(fixture.server.violations)")
    }

    /// Vertex answers with project numbers; status, a second apply and destroy still recognise what exists, and a
    /// deployment of the same model on another endpoint is reported, not mistaken for ours.
    @Test func vertexNamesByProjectNumber() async throws {
        let fixture = try await Fixture.start()
        defer { Task { await fixture.finish() } }
        let other = try await fixture.run(["apply", "--endpoint", "canary-endpoint"] + Self.fast)
        #expect(other.status == 0, "\(other.standardError)")
        #expect(fixture.server.resourceNames.allSatisfy { $0.hasPrefix("projects/123456789012/") }, "\(fixture.server.resourceNames)")

        let plan = try await fixture.run(["plan"] + Self.fast)
        #expect(plan.standardOutput.contains("= model projects/contract-project/locations/us-central1/models/image-classifier: exists"))
        #expect(plan.standardOutput.contains(
            "! model projects/contract-project/locations/us-central1/models/image-classifier is also deployed on "
                + "projects/123456789012/locations/us-central1/endpoints/canary-endpoint"), "\(plan.standardOutput)")
        #expect(plan.standardOutput.contains("+ deploy model"))

        let apply = try await fixture.run(["apply"] + Self.fast)
        #expect(apply.status == 0, "\(apply.standardError)")
        #expect(fixture.server.requests("endpoints.deployModel").count == 2)

        let before = fixture.server.requests.count
        for command in [["apply"], ["apply", "--endpoint", "canary-endpoint"], ["status"]] {
            let result = try await fixture.run(command + Self.fast)
            #expect(result.status == 0, "\(result.standardError)")
        }
        let later = fixture.server.requests.dropFirst(before)
        #expect(later.allSatisfy { $0.httpMethod == "GET" }, "sent \(later.map(\.methodID))")

        let status = try await fixture.run(["status", "--endpoint", "canary-endpoint"])
        #expect(status.standardOutput.contains("endpoint projects/contract-project/locations/us-central1/endpoints/canary-endpoint: exists"))
        #expect(status.standardOutput.contains("also deployed on=projects/123456789012/locations/us-central1/endpoints/image-classifier-endpoint"))
        #expect(status.standardOutput.contains("predict URL:"))

        // Destroying one endpoint keeps the model, which Vertex refuses to delete while it is deployed elsewhere.
        let destroyPlan = try await fixture.run(["destroy"] + Self.fast)
        #expect(destroyPlan.standardOutput.contains(
            "stays: it is also deployed on projects/123456789012/locations/us-central1/endpoints/canary-endpoint"),
            "\(destroyPlan.standardOutput)")
        let canary = try await fixture.run(["destroy", "--yes", "--endpoint", "canary-endpoint"] + Self.fast)
        #expect(canary.status == 0, "\(canary.standardError)")
        #expect(fixture.server.requests("models.delete").isEmpty)
        let destroy = try await fixture.run(["destroy", "--yes"] + Self.fast)
        #expect(destroy.status == 0, "\(destroy.standardError)")
        #expect(fixture.server.resourceNames.isEmpty, "left: \(fixture.server.resourceNames)")
        #expect(fixture.server.violations.isEmpty, "\(fixture.server.violations)")
    }

    @Test func mlEngineWholeFlow() async throws {
        let fixture = try await Fixture.start(api: "ml-engine")
        defer { Task { await fixture.finish() } }

        let plan = try await fixture.run(["plan", "--output", "json"] + Self.fast)
        #expect(plan.status == 0, "\(plan.standardError)")
        let steps = (try JSONSerialization.jsonObject(with: Data(plan.standardOutput.utf8)) as? [String: Any])?["steps"] as? [[String: Any]]
        #expect(steps?.map { $0["action"] as? String } == ["create", "create", "set-default"])

        let apply = try await fixture.run(["apply"] + Self.fast)
        #expect(apply.status == 0, "\(apply.standardError)")
        #expect(apply.standardOutput.contains("version projects/contract-project/models/image_classifier/versions/v1: exists"))
        #expect(apply.standardOutput.contains("default=yes"))

        let before = fixture.server.requests.count
        let again = try await fixture.run(["apply"] + Self.fast)
        #expect(again.status == 0)
        #expect(again.standardOutput.contains("Nothing to do"))
        #expect(fixture.server.requests.dropFirst(before).allSatisfy { $0.httpMethod == "GET" })

        // A second version, so destroy must delete the non-default one first and the default last.
        let second = try await fixture.run(["apply", "--version-name", "v2"] + Self.fast)
        #expect(second.status == 0, "\(second.standardError)")
        #expect(second.standardOutput.contains("versions/v2: exists (artifact=gs://contract-bucket/models/image-classifier/, default=yes"))

        let image = fixture.directory.appendingPathComponent("cat.jpg")
        try Data(repeating: 7, count: 100).write(to: image)
        let predict = try await fixture.run(["predict", "--image", image.path, "--output", "json"])
        #expect(predict.status == 0, "\(predict.standardError)")
        #expect(predict.standardOutput.contains("\"input_bytes\":100"))

        let destroy = try await fixture.run(["destroy", "--yes"] + Self.fast)
        #expect(destroy.status == 0, "\(destroy.standardError)")
        #expect(fixture.server.resourceNames.isEmpty, "left: \(fixture.server.resourceNames)")
        let deletions = fixture.server.requests("delete").map { $0.path.components(separatedBy: "/").suffix(2).joined(separator: "/") }
        // apply made v2 the default, so v1 goes first.
        #expect(deletions == ["versions/v1", "versions/v2", "models/image_classifier"], "the default version goes last")
        #expect(fixture.server.violations.isEmpty, "\(fixture.server.violations)")
    }

    @Test func retriesInjected429And503() async throws {
        let fixture = try await Fixture.start()
        defer { Task { await fixture.finish() } }
        fixture.server.injectStatuses([429, 503, 503])
        let apply = try await fixture.run(["apply"] + Self.fast)
        #expect(apply.status == 0, "\(apply.standardError)")
        #expect(apply.standardError.contains("retrying"))
        #expect(fixture.server.requests("endpoints.deployModel").count == 1)
    }

    @Test func asyncApplyReturnsAfterStartingTheFirstOperation() async throws {
        let fixture = try await Fixture.start()
        defer { Task { await fixture.finish() } }
        let apply = try await fixture.run(["apply", "--async"])
        #expect(apply.status == 0, "\(apply.standardError)")
        // Vertex names the operation with the project number.
        #expect(apply.standardOutput.contains("operation still running: projects/123456789012/locations/us-central1/operations/"))
        #expect(fixture.server.requests("models.upload").count == 1)
        #expect(fixture.server.requests("operations.get").isEmpty)
        #expect(fixture.server.requests("endpoints.create").isEmpty)
    }

    @Test func failedOperationReachesTheUser() async throws {
        let fixture = try await Fixture.start()
        defer { Task { await fixture.finish() } }
        fixture.server.failOperations(of: "aiplatform.projects.locations.endpoints.deployModel")
        let apply = try await fixture.run(["apply"] + Self.fast)
        #expect(apply.status == 1)
        let message = apply.standardError
        #expect(message.contains("FAILED_PRECONDITION (9): Model server never became ready"), "\(message)")
        #expect(message.contains("saved_model.pb not found under the artifact URI"))
    }

    @Test func permissionDeniedNamesTheCredential() async throws {
        let fixture = try await Fixture.start()
        defer { Task { await fixture.finish() } }
        fixture.server.denyPermission()
        let status = try await fixture.run(["status"])
        #expect(status.status == 1)
        #expect(status.standardError.contains("HTTP 403 PERMISSION_DENIED"))
        #expect(status.standardError.contains("service account model-deployer@contract-project.iam.gserviceaccount.com from key file \(fixture.keyPath)"))
    }

    @Test func rejectedAccessTokenNamesItsSourceAndStaysSecret() async throws {
        let fixture = try await Fixture.start()
        defer { Task { await fixture.finish() } }
        let token = "ya29.not-issued-by-the-server"
        let status = try await fixture.run(
            ["status"], environment: ["GOOGLE_OAUTH_ACCESS_TOKEN": token, "GOOGLE_CLOUD_PROJECT": "contract-project"])
        #expect(status.status == 1)
        #expect(status.standardError.contains("HTTP 401 UNAUTHENTICATED"))
        #expect(status.standardError.contains("the access token from GOOGLE_OAUTH_ACCESS_TOKEN"))
    }

    @Test(arguments: [
        (["--project", "My_Project"], "is not a Google Cloud project id"),
        (["--saved-model-uri", "s3://bucket/model"], "is not a Cloud Storage location"),
        (["--machine-type", "N1_STANDARD_4"], "is not a Compute Engine machine type"),
        (["--label", "novalue"], "key=value"),
    ])
    func badInputIsAOneLineUsageError(arguments: [String], expected: String) async throws {
        let fixture = try await Fixture.start()
        defer { Task { await fixture.finish() } }
        let result = try await fixture.run(["plan"] + arguments)
        #expect(result.status == 64)
        #expect(result.standardError.contains(expected), "\(result.standardError)")
        #expect(fixture.server.requests.isEmpty)
    }

    @Test func missingProjectIsAUsageError() async throws {
        let fixture = try await Fixture.start()
        defer { Task { await fixture.finish() } }
        let result = try await fixture.run(["plan"], environment: ["GOOGLE_OAUTH_ACCESS_TOKEN": "ya29.x-token"])
        #expect(result.status == 64)
        #expect(result.standardError.contains("Please name the Google Cloud project"))
    }

    @Test func malformedKeyFile() async throws {
        let fixture = try await Fixture.start()
        defer { Task { await fixture.finish() } }
        let path = fixture.directory.appendingPathComponent("broken.json").path
        try #"{"type": "service_account", "client_email": "a@b", "private_key": "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n"}"#
            .write(toFile: path, atomically: true, encoding: .utf8)
        let result = try await fixture.run(["plan", "--credentials", path])
        #expect(result.status == 1)
        #expect(result.standardError.contains("\(path): \"private_key\" is not a PEM RSA private key"))
        #expect(result.standardError.split(separator: "\n").count == 1)
    }

    @Test func unreachableAPI() async throws {
        let fixture = try await Fixture.start()
        defer { Task { await fixture.finish() } }
        let root = "http://127.0.0.1:\(unusedLoopbackPort())"
        let result = try await fixture.run(
            ["status", "--google-api-root", root], environment: ["GOOGLE_OAUTH_ACCESS_TOKEN": "ya29.x-token", "GOOGLE_CLOUD_PROJECT": "contract-project"])
        #expect(result.status == 1)
        #expect(result.standardError.contains("cannot reach the API"), "\(result.standardError)")
    }

    @Test func helpTeaches() async throws {
        let result = try BuiltProduct.run("model-provision", ["--help"])
        #expect(result.status == 0)
        #expect(result.standardOutput.contains("2025-01-31"))
        #expect(result.standardOutput.contains("GOOGLE_APPLICATION_CREDENTIALS"))
    }
}
