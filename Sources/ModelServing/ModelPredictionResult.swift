import PipelineMessages

public struct ModelPredictionResult: Sendable, Equatable {
    public var model: PredictionMessage.Model
    /// Best first.
    public var predictions: [PredictionMessage.Prediction]

    public init(model: PredictionMessage.Model, predictions: [PredictionMessage.Prediction]) {
        self.model = model
        self.predictions = predictions
    }
}
