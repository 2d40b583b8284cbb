import Failure
import Foundation
import Google
import GoogleTestSupport
import Logging
import ModelServing
import PipelineConfig
import PipelineMessages
import Testing

/// The Vertex and ML Engine backends against the stand-in that checks every request against Google's published
/// discovery documents: deploy with the provisioner, then classify through the backend.
@Suite(.timeLimit(.minutes(2)))
struct GooglePredictBackendTests {
    @Test(arguments: [GoogleAPI.vertex, .mlEngine])
    func classifiesThroughTheDeployedModel(api: GoogleAPI) async throws {
        let server = try await GoogleContractServer.start(operationPolls: 1)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("google-backend-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var settings = GoogleSettings()
        settings.api = api
        settings.model.savedModelURI = "gs://contract-bucket/models/image-classifier/"
        var logger = Logger(label: "google-backend-tests")
        logger.logLevel = .critical
        let access = try GoogleModelAccess(
            settings: settings, accessToken: nil, credentialsFile: try server.writeServiceAccountKey(in: directory),
            apiRoot: server.baseURL, userAgent: "tests", waiter: GoogleOperationWaiter(initialInterval: .milliseconds(10)),
            environment: [:], logger: logger)
        let backend = GooglePredictBackend(access: access)

        let notYet = await #expect(throws: ModelServingError.self) { try await backend.checkReady(timeout: .seconds(5)) }
        #expect(notYet?.failureKind == .systemic, "nothing deployed yet: pause until it is")
        #expect(notYet?.code == .notReady)
        _ = try await access.provisioner.run(try await access.provisioner.applyPlan())
        try await backend.checkReady(timeout: .seconds(5))

        let result = try await backend.predict(jpeg: Data([0xFF, 0xD8, 0xFF, 0xD9]), timeout: .seconds(5))
        #expect(result.predictions.map(\.label) == ["tabby", "tiger_cat"])
        #expect(result.predictions.first?.score == 0.75)
        #expect(result.model.name == "image-classifier")
        #expect(server.violations.isEmpty, "\(server.violations)")

        server.injectStatuses([400])
        let refused = await #expect(throws: ModelServingError.self) {
            try await backend.predict(jpeg: Data([0xFF, 0xD8]), timeout: .seconds(5))
        }
        #expect(refused?.failureKind == .permanent, "a refused image goes to the dead-letter topic")
        #expect(refused?.status == 400)

        // A 401 is systemic and drops the token it refused: the next call fetches a new one and goes through.
        let tokensBefore = server.tokenRequests
        let predictsBefore = server.requests(".predict").count
        server.injectStatuses([401])
        let unauthorized = await #expect(throws: ModelServingError.self) {
            try await backend.predict(jpeg: Data([0xFF, 0xD8, 0xFF, 0xD9]), timeout: .seconds(5))
        }
        #expect(unauthorized?.failureKind == .systemic, "a credential problem never dead-letters an image")
        #expect(server.requests(".predict").count == predictsBefore + 1, "one HTTP attempt per call: the stream app retries")
        _ = try await backend.predict(jpeg: Data([0xFF, 0xD8, 0xFF, 0xD9]), timeout: .seconds(5))
        #expect(server.tokenRequests == tokensBefore + 1, "the refused token was dropped and a new one fetched")
        let batch = try await backend.predict(batch: [Data([0xFF, 0xD8, 0xFF, 0xD9]), Data([0xFF, 0xD8, 0xFF, 0xD9])], timeout: .seconds(5))
        #expect(batch.count == 2)
        await server.stop()
    }

    /// OAuth refuses a revoked or unknown key with 400 `invalid_grant`: that stops every image alike, so the stream
    /// app pauses instead of dead-lettering the images it could not send.
    @Test func aRefusedKeyIsSystemicNotTheImagesFault() async throws {
        let server = try await GoogleContractServer.start(operationPolls: 1)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("google-backend-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var key = try JSONSerialization.jsonObject(with: server.serviceAccountKeyJSON()) as? [String: Any] ?? [:]
        key["client_email"] = "revoked@contract-project.iam.gserviceaccount.com"
        let keyFile = directory.appendingPathComponent("revoked.json")
        try JSONSerialization.data(withJSONObject: key).write(to: keyFile)
        var settings = GoogleSettings()
        settings.model.savedModelURI = "gs://contract-bucket/models/image-classifier/"
        var logger = Logger(label: "google-backend-tests")
        logger.logLevel = .critical
        let access = try GoogleModelAccess(
            settings: settings, accessToken: nil, credentialsFile: keyFile.path, apiRoot: server.baseURL,
            userAgent: "tests", environment: [:], logger: logger)
        let error = await #expect(throws: ModelServingError.self) {
            try await GooglePredictBackend(access: access).predict(jpeg: Data([0xFF, 0xD8, 0xFF, 0xD9]), timeout: .seconds(5))
        }
        #expect(error?.status == 400)
        #expect(error?.code == .google(.credentials))
        #expect(error?.failureKind == .systemic, "\(String(describing: error))")
        await server.stop()
    }
}
