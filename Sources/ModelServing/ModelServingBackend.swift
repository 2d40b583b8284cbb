import Foundation
import PipelineMessages

/// A model server that classifies JPEG images: TensorFlow Serving's REST API (`TFServingBackend`), or a model
/// deployed on Vertex AI or ML Engine (`GooglePredictBackend`).
///
/// Each backend sorts its failures with `ModelServingError`'s classification (`ModelServingError+Classification`),
/// which is all the stream app needs to decide between retrying, dead-lettering and pausing.
public protocol ModelServingBackend: Sendable {
    /// The model as configured (name, and version when pinned), for logs and `/readyz`.
    var modelDescription: String { get }

    /// Classifies several images in one request (the `instances` list all three APIs take), returning one result per
    /// image, in order. One image the server refuses fails the whole request, as TF Serving does.
    func predict(batch: [Data], timeout: Duration) async throws(ModelServingError) -> [ModelPredictionResult]

    /// Asks the server whether the model can answer now and returns the model and version it serves
    /// (TF Serving: the newest version in state AVAILABLE).
    @discardableResult
    func checkReady(timeout: Duration) async throws(ModelServingError) -> PredictionMessage.Model
}

extension ModelServingBackend {
    /// Classifies one image.
    public func predict(jpeg: Data, timeout: Duration) async throws(ModelServingError) -> ModelPredictionResult {
        let results = try await predict(batch: [jpeg], timeout: timeout)
        guard let first = results.first else {
            throw ModelServingError(kind: .permanent, reason: "the model answered no predictions")
        }
        return first
    }
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

/// Why a prediction failed, and what failing again would mean.
public struct ModelServingError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The three kinds of failure the stream app's policy tells apart.
    public enum Kind: Sendable, Equatable {
        /// This image, now: the server is overloaded or slow (429, 5xx, a timeout). Try again a bounded number of
        /// times; if other images go through meanwhile, the image itself is the problem.
        case retriable
        /// This image, for good: the server refused it (400, not a JPEG, an answer we cannot read). Dead-letter it.
        case permanent
        /// Every image: credentials refused (401, 403), the model not found (404), the server unreachable
        /// (connection refused, DNS, TLS). Never the image's fault: pause and wait for the cause to go.
        case systemic
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

    /// Worth trying again (retriable or systemic): the image may well be fine.
    public var isRetriable: Bool { kind != .permanent }

    public var description: String {
        if let status { return "model answered \(status): \(reason)" }
        return reason
    }
}
