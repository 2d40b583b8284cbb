import Foundation
import Google
import PipelineConfig
import PipelineMessages

/// A model deployed on Vertex AI (endpoint predict) or ML Engine (version predict), reached with the credentials
/// and clients `model-provision` uses. The request is `{"instances":[{"<input>":{"b64":"<base64 JPEG>"}}]}`, as
/// both APIs document for a TensorFlow model whose serving signature takes encoded image bytes under a named
/// input; `predictions[0]` is read like TF Serving's.
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

    public func predict(jpeg: Data, imageID: String, timeout: Duration) async throws(ModelServingError)
        -> ModelPredictionResult
    {
        let predictions: [GoogleJSON]
        do {
            predictions = try await access.provisioner.predict(
                instances: [.object([inputKey: .object(["b64": .string(jpeg.base64EncodedString())])])])
        } catch {
            throw Self.classify(error)
        }
        guard let first = predictions.first,
            let classification = try? JSONDecoder().decode(TFServingClassification.self, from: JSONEncoder().encode(first))
        else {
            throw ModelServingError(kind: .permanent, reason: "the model answered no labels and scores")
        }
        let ranked = zip(classification.labels, classification.scores)
            .map { PredictionMessage.Prediction(label: $0, score: $1) }.sorted { $0.score > $1.score }
        let version = deployment.api == .vertex ? deployment.endpointName : deployment.version
        return ModelPredictionResult(
            model: .init(name: deployment.modelName, version: version), predictions: Array(ranked.prefix(topK)))
    }

    /// Ready once the endpoint (or the version) exists and has a model deployed to predict with.
    public func checkReady(timeout: Duration) async throws(ModelServingError) {
        do {
            guard try await access.provisioner.status().predictURL != nil else {
                throw ModelServingError(kind: .retriable, reason: "nothing is deployed yet; run model-provision apply")
            }
        } catch let error as ModelServingError {
            throw error
        } catch {
            throw Self.classify(error)
        }
    }

    /// Google's overloads and outages (429, 5xx, unreachable, 404 before deployment) are worth waiting out; a
    /// refused image (400) or a credential problem is not.
    static func classify(_ error: any Error) -> ModelServingError {
        guard let error = error as? GoogleError else { return ModelServingError(kind: .permanent, reason: "\(error)") }
        let retriable =
            error.kind == .unreachable || error.status.map { $0 == 404 || $0 == 429 || (500...599).contains($0) } ?? false
        return ModelServingError(kind: retriable ? .retriable : .permanent, status: error.status, reason: error.message)
    }
}
