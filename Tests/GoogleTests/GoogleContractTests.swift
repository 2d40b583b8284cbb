import Foundation
import Synchronization
import GoogleTestSupport
import HTTP
import PipelineConfig
import Testing

@testable import Google

/// The contract checks themselves must be able to fail, or the end-to-end tests prove nothing.
struct GoogleContractCheckTests {
    let vertex: GoogleDiscoveryContract
    let ml: GoogleDiscoveryContract

    init() throws {
        vertex = try .load("aiplatform.v1.trimmed.json")
        ml = try .load("ml.v1.json")
    }

    func violations(_ contract: GoogleDiscoveryContract, _ call: GoogleRESTCall) throws -> [String] {
        let components = try #require(URLComponents(string: call.url))
        let match = try #require(contract.match(method: call.method.rawValue, path: components.path), "\(call.url)")
        let query = Dictionary(uniqueKeysWithValues: (components.queryItems ?? []).map { ($0.name, $0.value ?? "") })
        return contract.violations(of: match, query: query, body: call.body ?? Data())
    }

    @Test func ourRequestsConform() throws {
        let api = VertexAPI(project: "p-123456", region: "europe-west4", root: "http://127.0.0.1:1")
        let model = VertexModel(
            displayName: "m", artifactUri: "gs://b/m/", containerSpec: VertexContainerSpec(imageUri: "i"), labels: ["a": "b"])
        #expect(try violations(vertex, api.uploadModel(id: "m", model: model)).isEmpty)
        #expect(try violations(vertex, api.createEndpoint(id: "e", endpoint: VertexEndpoint(displayName: "e", labels: nil))).isEmpty)
        let deployed = VertexDeployedModel(
            model: api.modelName("m"), displayName: "m",
            dedicatedResources: VertexDedicatedResources(machineType: "n1-standard-4", minReplicaCount: 1, maxReplicaCount: 2))
        #expect(try violations(vertex, api.deployModel(endpoint: api.endpointName("e"), deployedModel: deployed)).isEmpty)
        let mlAPI = MLEngineAPI(project: "p-123456", region: "europe-west4", root: "http://127.0.0.1:1")
        #expect(try violations(ml, mlAPI.listVersions(model: mlAPI.modelName("m"), pageToken: "next page")).isEmpty)
    }

    @Test func theChecksCatchBrokenRequests() throws {
        let root = "http://127.0.0.1:1/v1/projects/p/locations/r"
        let unknownField = GoogleRESTCall(
            method: .post, url: "\(root)/endpoints", body: Data(#"{"displayName": "e", "colour": "blue"}"#.utf8))
        #expect(try violations(vertex, unknownField) == ["aiplatform.projects.locations.endpoints.create.colour: unknown field"])
        let missingRequired = GoogleRESTCall(method: .post, url: "\(root)/endpoints", body: Data(#"{"labels": {}}"#.utf8))
        #expect(try violations(vertex, missingRequired) == ["aiplatform.projects.locations.endpoints.create.displayName: required field missing"])
        let wrongType = GoogleRESTCall(
            method: .post, url: "\(root)/endpoints:x", body: Data())
        #expect(vertex.match(method: "POST", path: URLComponents(string: wrongType.url)!.path) == nil)
        let badScalar = GoogleRESTCall(
            method: .post, url: "\(root)/endpoints/e:deployModel",
            body: Data(#"{"deployedModel": {"model": "m", "dedicatedResources": {"machineSpec": {}, "minReplicaCount": "one"}}}"#.utf8))
        #expect(try violations(vertex, badScalar) == [
            "aiplatform.projects.locations.endpoints.deployModel.deployedModel.dedicatedResources.minReplicaCount: expected an integer"
        ])
        let outputOnly = GoogleRESTCall(
            method: .post, url: "\(root)/endpoints", body: Data(#"{"displayName": "e", "createTime": "now"}"#.utf8))
        #expect(try violations(vertex, outputOnly) == ["aiplatform.projects.locations.endpoints.create.createTime: output-only field sent"])
        let unknownQuery = GoogleRESTCall(method: .get, url: "\(root)/models/m?verbose=true")
        #expect(try violations(vertex, unknownQuery) == ["aiplatform.projects.locations.models.get: unknown query parameter 'verbose'"])
    }
}

struct GoogleOperationTests {
    @Test func aFailedOperationThrowsItsWholeError() async throws {
        let failed = GoogleOperation(
            name: "projects/p/operations/1", done: true,
            error: GoogleRPCStatus(code: 3, message: "bad artifact", details: [.object(["reason": .string("no saved_model.pb")])]))
        let error = await #expect(throws: GoogleError.self) {
            try await GoogleOperationWaiter().wait(for: failed, describing: "create version v1", poll: { _ in failed })
        }
        #expect(error?.reason == #"create version v1 failed: operation projects/p/operations/1: INVALID_ARGUMENT (3): bad artifact; details: {"reason":"no saved_model.pb"}"#)
    }

    @Test func pollsUntilDoneAndGivesUpAtTheTimeout() async throws {
        let polls = PollCounter()
        let done = try await GoogleOperationWaiter(initialInterval: .milliseconds(1)).wait(
            for: GoogleOperation(name: "op"), describing: "x",
            poll: { name in GoogleOperation(name: name, done: polls.next() >= 3) })
        #expect(done.isDone)
        #expect(polls.count == 3)

        let never = GoogleOperationWaiter(initialInterval: .milliseconds(1), timeout: .milliseconds(20))
        let error = await #expect(throws: GoogleError.self) {
            try await never.wait(for: GoogleOperation(name: "op"), describing: "deploy", poll: { GoogleOperation(name: $0) })
        }
        #expect(error?.reason.contains("deploy: operation op still running after") == true)
    }
}

final class PollCounter: Sendable {
    private let value = Mutex(0)
    var count: Int { value.withLock { $0 } }
    func next() -> Int { value.withLock { $0 += 1; return $0 } }
}

struct ModelDeploymentTests {
    func deployment(_ change: (inout ModelDeployment) -> Void) -> ModelDeployment {
        var settings = GoogleSettings()
        settings.model.savedModelURI = "gs://my-bucket/models/classifier/"
        var deployment = ModelDeployment(settings: settings, project: "my-project")
        change(&deployment)
        return deployment
    }

    @Test func defaultsAreValidForBothAPIs() throws {
        try deployment { _ in }.validate()
        try deployment { $0.api = .mlEngine }.validate()
        #expect(deployment { $0.api = .mlEngine }.mlEngineModelID == "image_classifier")
    }

    @Test(arguments: [
        ("gs://", "saved model URI 'gs://' is not a Cloud Storage location: expected gs://bucket/path/to/saved_model/"),
        ("my-bucket/model", "saved model URI 'my-bucket/model' is not a Cloud Storage location: expected gs://bucket/path/to/saved_model/"),
    ])
    func rejectsURIsThatAreNotCloudStorage(uri: String, message: String) {
        #expect(throws: GoogleError(.invalidInput, message)) { try deployment { $0.savedModelURI = uri }.validate() }
    }

    @Test func rejectsMachineTypesAndVersionsGoogleWouldRefuse() {
        #expect(throws: GoogleError.self) { try deployment { $0.machineType = "n1 standard" }.validate() }
        #expect(throws: GoogleError.self) { try deployment { $0.api = .mlEngine; $0.version = "1.0" }.validate() }
        #expect(throws: GoogleError.self) { try deployment { $0.labels = ["Team": "x"] }.validate() }
    }

    @Test func planRedactsSecrets() throws {
        let call = try GoogleRESTCall(
            method: .post, url: "https://x/v1/p?access_token=ya29.secret-token", json: ["refresh_token": "1//secret"])
        let rendered = call.rendered(redactor: HTTPRedactor(secrets: ["ya29.secret-token"]))
        #expect(!rendered.contains("secret"))
    }
}
