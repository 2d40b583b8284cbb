import Foundation
import HTTP

/// Builds Vertex AI (`aiplatform` v1) calls. The API is regional: by default each call goes to
/// `https://{region}-aiplatform.googleapis.com/`; `root` replaces that for private endpoints and tests.
public struct VertexAPI: Sendable {
    public let project: String
    public let region: String
    public let root: String

    public init(project: String, region: String, root: String? = nil) {
        self.project = project
        self.region = region
        self.root = Self.normalized(root ?? "https://\(region)-aiplatform.googleapis.com/")
    }

    static func normalized(_ root: String) -> String { root.hasSuffix("/") ? root : root + "/" }

    public var parent: String { "projects/\(project)/locations/\(region)" }
    public func modelName(_ id: String) -> String { "\(parent)/models/\(id)" }
    public func endpointName(_ id: String) -> String { "\(parent)/endpoints/\(id)" }
    public func url(_ resource: String) -> String { root + "v1/" + resource }

    /// Vertex answers with the project *number* (`projects/123456789012/locations/…`) even when called with the
    /// project id, so names are compared by what follows the project: the location, the collection and the id.
    public static func sameResource(_ name: String?, _ other: String?) -> Bool {
        guard let name, let other else { return false }
        return resourcePath(name) == resourcePath(other)
    }

    /// `locations/us-central1/endpoints/e` from `projects/p/locations/us-central1/endpoints/e`.
    static func resourcePath(_ name: String) -> Substring {
        let parts = name.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "projects" else { return Substring(name) }
        return parts[2]
    }

    public func uploadModel(id: String, model: VertexModel) throws -> GoogleRESTCall {
        try GoogleRESTCall(
            method: .post, url: url("\(parent)/models:upload"), json: VertexUploadModelRequest(model: model, modelId: id))
    }

    public func getModel(_ name: String) -> GoogleRESTCall { GoogleRESTCall(method: .get, url: url(name)) }
    public func deleteModel(_ name: String) -> GoogleRESTCall { GoogleRESTCall(method: .delete, url: url(name)) }

    public func createEndpoint(id: String, endpoint: VertexEndpoint) throws -> GoogleRESTCall {
        try GoogleRESTCall(method: .post, url: url("\(parent)/endpoints") + "?endpointId=\(id)", json: endpoint)
    }

    public func getEndpoint(_ name: String) -> GoogleRESTCall { GoogleRESTCall(method: .get, url: url(name)) }
    public func deleteEndpoint(_ name: String) -> GoogleRESTCall { GoogleRESTCall(method: .delete, url: url(name)) }

    /// Deploys with all traffic to the new deployment.
    public func deployModel(endpoint: String, deployedModel: VertexDeployedModel) throws -> GoogleRESTCall {
        try GoogleRESTCall(
            method: .post, url: url("\(endpoint):deployModel"),
            json: VertexDeployModelRequest(deployedModel: deployedModel, trafficSplit: ["0": 100]))
    }

    public func undeployModel(endpoint: String, deployedModelID: String) throws -> GoogleRESTCall {
        try GoogleRESTCall(
            method: .post, url: url("\(endpoint):undeployModel"),
            json: VertexUndeployModelRequest(deployedModelId: deployedModelID))
    }

    /// `instances` as the serving container expects them; for TensorFlow images, `{"b64": ...}` for bytes.
    public func predict(endpoint: String, instances: [GoogleJSON]) throws -> GoogleRESTCall {
        try GoogleRESTCall(method: .post, url: url("\(endpoint):predict"), json: VertexPredictRequest(instances: instances))
    }

    public func getOperation(_ name: String) -> GoogleRESTCall { GoogleRESTCall(method: .get, url: url(name)) }
}
