import Failure
import Foundation
import Google
import HTTP
import PipelineConfig
import PipelineMessages

/// A model deployed on Vertex AI (endpoint predict) or ML Engine (version predict), reached with the credentials
/// and clients `model-provision` uses. The request is `{"instances":[{"<input>":{"b64":"<base64 JPEG>"}}, …]}`, as
/// both APIs document for a TensorFlow model whose serving signature takes encoded image bytes under a named
/// input; each row of `predictions` is read like TF Serving's.
///
/// On the data path a call is one HTTP attempt bounded, token included, by the caller's timeout: the stream app
/// owns retries, so they are not multiplied by the HTTP client's. A 401 drops the cached token, so a rotated or
/// re-granted credential works again at the next attempt.
public struct GooglePredictBackend: ModelServingBackend {
    public let access: GoogleModelAccess
    /// The serving signature's input name. Default: `image_bytes`, as `model-provision predict`.
    public let inputKey: String
    /// How many predictions to keep, best first. Default: 5.
    public let topK: Int

    public init(access: GoogleModelAccess, inputKey: String = "image_bytes", topK: Int = 5) {
        self.access = access
        self.inputKey = inputKey
        self.topK = topK
    }

    private var deployment: ModelDeployment { access.provisioner.deployment }

    public var modelDescription: String {
        let api = deployment.api == .vertex ? "Vertex AI endpoint \(deployment.endpointName)" : "ML Engine model \(deployment.mlEngineModelID) version \(deployment.version)"
        return "\(api) in project \(deployment.project), region \(deployment.region)"
    }

    private var model: PredictionMessage.Model {
        PredictionMessage.Model(
            name: deployment.modelName, version: deployment.api == .vertex ? deployment.endpointName : deployment.version)
    }

    public func predict(batch: [Data], timeout: Duration) async throws(ModelServingError) -> [ModelPredictionResult] {
        let provisioner = access.provisioner
        let instances: [GoogleJSON] = batch.map { .object([inputKey: .object(["b64": .string($0.base64EncodedString())])]) }
        let call: GoogleRESTCall
        do {
            switch deployment.api {
            case .vertex:
                call = try provisioner.vertex.predict(
                    endpoint: provisioner.vertex.endpointName(deployment.endpointName), instances: instances)
            case .mlEngine:
                call = try provisioner.mlEngine.predict(
                    name: provisioner.mlEngine.versionName(model: deployment.mlEngineModelID, version: deployment.version),
                    instances: instances)
            }
        } catch {
            throw ModelServingError(.invalidRequest, .permanent, reason: "cannot build the request: \(error)")
        }
        let response = try await sendOnce(call, timeout: timeout)
        guard response.isSuccess else {
            throw ModelServingError.classifying(status: response.status, reason: GoogleErrorBody.summary(of: response))
        }
        guard let predictions = (try? response.decode(VertexPredictResponse.self))?.predictions,
            predictions.count == batch.count
        else {
            throw ModelServingError(.unreadableAnswer, .permanent, reason: "the answer has no \"predictions\" row per instance")
        }
        var results: [ModelPredictionResult] = []
        for row in predictions {
            guard let classification = try? JSONDecoder().decode(TFServingClassification.self, from: JSONEncoder().encode(row))
            else {
                throw ModelServingError(.unreadableAnswer, .permanent, reason: "the model answered no labels and scores")
            }
            let ranked = zip(classification.labels, classification.scores)
                .map { PredictionMessage.Prediction(label: $0, score: $1) }.sorted { $0.score > $1.score }
            results.append(ModelPredictionResult(model: model, predictions: Array(ranked.prefix(topK))))
        }
        return results
    }

    /// Ready once the endpoint (or the version) exists and has a model deployed to predict with. This reads the
    /// admin API, so the stream app calls it at start-up and while paused, never per probe.
    @discardableResult
    public func checkReady(timeout: Duration) async throws(ModelServingError) -> PredictionMessage.Model {
        let provisioner = access.provisioner
        let deployed = try await ModelCallDeadline.run(timeout: timeout) { () async throws(ModelServingError) -> Bool in
            do {
                return try await provisioner.status().predictURL != nil
            } catch {
                throw Self.classify(error)
            }
        }
        guard deployed else {
            throw ModelServingError(.notReady, .systemic, reason: "nothing is deployed yet; run model-provision apply")
        }
        return model
    }

    /// One attempt, bounded with the token fetch by `timeout`; a 401 drops the token it was refused.
    private func sendOnce(_ call: GoogleRESTCall, timeout: Duration) async throws(ModelServingError) -> HTTPResponse {
        let client = access.provisioner.client
        return try await ModelCallDeadline.run(timeout: timeout) { () async throws(ModelServingError) -> HTTPResponse in
            let token: GoogleAccessToken
            do {
                token = try await client.authorizer.token()
            } catch {
                throw Self.classify(error)
            }
            let request = HTTPRequest(
                call.method, call.url,
                headers: [
                    HTTPHeader("Authorization", "Bearer \(token.value)"), HTTPHeader("Accept", "application/json"),
                    HTTPHeader("Content-Type", "application/json"),
                ], body: call.body, timeout: timeout)
            let response: HTTPResponse
            do {
                response = try await client.http.sendOnce(request)
            } catch let error as HTTPClientError {
                throw ModelServingError.classifying(transport: error)
            } catch {
                throw ModelServingError(.other, .retriable, reason: "\(error)")
            }
            if response.status == 401 { await client.authorizer.drop(token) }
            return response
        }
    }

    /// Errors of the admin API and the token endpoint, as `GoogleError.failureKind` says, except that no image is
    /// sent in those calls, so none of them is the image's fault: what would be permanent for a request is systemic
    /// here.
    static func classify(_ error: any Error) -> ModelServingError {
        if let error = error as? ModelServingError { return error }
        guard let error = error as? GoogleError else { return ModelServingError(.other, .systemic, reason: "\(error)") }
        let kind: FailureKind = error.failureKind == .permanent ? .systemic : error.failureKind
        return ModelServingError(.google(error.code), kind, status: error.status, reason: error.reason)
    }
}
