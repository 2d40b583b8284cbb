import Failure
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
            throw ModelServingError(.unreadableAnswer, .permanent, reason: "the model answered no predictions")
        }
        return first
    }
}
