import Foundation
import PipelineMessages

/// A model server that classifies one JPEG image: TensorFlow Serving's REST API (`TFServingBackend`), or a model
/// deployed on Vertex AI or ML Engine (`GooglePredictBackend`).
///
/// Each backend classifies its own failures into `ModelServingError.Kind`, which is all the stream app needs to
/// decide between retrying and dead-lettering.
public protocol ModelServingBackend: Sendable {
    /// The model as configured (name, and version when pinned), for logs and `/readyz`.
    var modelDescription: String { get }

    /// Classifies one image. `imageID` is for logs and tracing only.
    func predict(jpeg: Data, imageID: String, timeout: Duration) async throws(ModelServingError) -> ModelPredictionResult

    /// Asks the server whether the model can answer now (TF Serving: a version in state AVAILABLE).
    func checkReady(timeout: Duration) async throws(ModelServingError)
}

public struct ModelPredictionResult: Sendable, Equatable {
    public var model: PredictionMessage.Model
    /// Best first.
    public var predictions: [PredictionMessage.Prediction]

    public init(model: PredictionMessage.Model, predictions: [PredictionMessage.Prediction]) {
        self.model = model
        self.predictions = predictions
    }
}

/// Why a prediction failed, and whether trying the same image again can help.
public struct ModelServingError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The server is overloaded, restarting or unreachable (429, 5xx, connection refused, timeout): the image
        /// is fine, so try again later.
        case retriable
        /// The server refused this image (400, not a JPEG, an answer we cannot read): retrying gives the same.
        case permanent
    }

    public let kind: Kind
    /// The HTTP status, when the server answered.
    public let status: Int?
    /// One line.
    public let reason: String
    /// How long the server asked us to wait (`Retry-After` on a 429 or 503), if it said.
    public let retryAfter: Duration?

    public init(kind: Kind, status: Int? = nil, reason: String, retryAfter: Duration? = nil) {
        self.kind = kind
        self.status = status
        self.retryAfter = retryAfter
        self.reason = reason.split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    public var isRetriable: Bool { kind == .retriable }

    public var description: String {
        if let status { return "model answered \(status): \(reason)" }
        return reason
    }
}
