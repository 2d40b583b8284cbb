import Foundation
import HTTP

/// Builds ML Engine (`ml` v1, "AI Platform Prediction") calls. Google shut the service down on 2025-01-31; the
/// API shape is kept for legacy deployments and private endpoints that still speak it. By default calls go to
/// the regional host `https://{region}-ml.googleapis.com/` (the global host served only legacy machine types).
public struct MLEngineAPI: Sendable {
    public let project: String
    public let region: String
    public let root: String

    public init(project: String, region: String, root: String? = nil) {
        self.project = project
        self.region = region
        self.root = VertexAPI.normalized(root ?? "https://\(region)-ml.googleapis.com/")
    }

    public var parent: String { "projects/\(project)" }
    public func modelName(_ id: String) -> String { "\(parent)/models/\(id)" }
    public func versionName(model: String, version: String) -> String { "\(modelName(model))/versions/\(version)" }
    public func url(_ resource: String) -> String { root + "v1/" + resource }

    /// Creating a model is immediate: the answer is the model, not an operation.
    public func createModel(_ model: MLEngineModel) throws -> GoogleRESTCall {
        var body = model
        body.name = model.name.split(separator: "/").last.map(String.init) ?? model.name
        return try GoogleRESTCall(method: .post, url: url("\(parent)/models"), json: body)
    }

    public func getModel(_ name: String) -> GoogleRESTCall { GoogleRESTCall(method: .get, url: url(name)) }
    public func deleteModel(_ name: String) -> GoogleRESTCall { GoogleRESTCall(method: .delete, url: url(name)) }

    public func createVersion(model: String, version: MLEngineVersion) throws -> GoogleRESTCall {
        try GoogleRESTCall(method: .post, url: url("\(model)/versions"), json: version)
    }

    public func listVersions(model: String, pageToken: String? = nil) -> GoogleRESTCall {
        var address = url("\(model)/versions") + "?pageSize=100"
        if let pageToken, !pageToken.isEmpty {
            address += "&pageToken=" + (pageToken.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
        }
        return GoogleRESTCall(method: .get, url: address)
    }

    public func deleteVersion(_ name: String) -> GoogleRESTCall { GoogleRESTCall(method: .delete, url: url(name)) }

    public func setDefault(version name: String) throws -> GoogleRESTCall {
        try GoogleRESTCall(method: .post, url: url("\(name):setDefault"), json: MLEngineEmptyRequest())
    }

    /// Predicts with `name`, a model (its default version) or a version.
    public func predict(name: String, instances: [GoogleJSON]) throws -> GoogleRESTCall {
        try GoogleRESTCall(method: .post, url: url("\(name):predict"), json: MLEnginePredictRequest(instances: instances))
    }

    public func getOperation(_ name: String) -> GoogleRESTCall { GoogleRESTCall(method: .get, url: url(name)) }
}
