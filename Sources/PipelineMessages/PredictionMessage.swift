import Foundation

/// The value of a prediction message (topic `predictions`), written by the stream app as JSON with sorted keys:
///
/// ```json
/// {"image_id":"42","model":{"name":"image-classifier","version":"1"},
///  "predictions":[{"label":"red","score":0.41}],"timing":{"model_ms":12.3,"queue_ms":0.4,"total_ms":13.1}}
/// ```
public struct PredictionMessage: Codable, Sendable, Equatable {
    public struct Model: Codable, Sendable, Equatable {
        public var name: String
        /// Empty when the model server did not say which version answered.
        public var version: String

        public init(name: String, version: String) {
            self.name = name
            self.version = version
        }
    }

    public struct Prediction: Codable, Sendable, Equatable {
        public var label: String
        public var score: Double

        public init(label: String, score: Double) {
            self.label = label
            self.score = score
        }
    }

    /// Where the time went, in milliseconds, from the moment the stream app read the image.
    public struct Timing: Codable, Sendable, Equatable {
        /// The model call that answered (the last attempt).
        public var modelMilliseconds: Double
        /// Everything before that call: checks, waiting for a slot, failed attempts and their backoff.
        public var queueMilliseconds: Double
        public var totalMilliseconds: Double

        public init(modelMilliseconds: Double, queueMilliseconds: Double, totalMilliseconds: Double) {
            self.modelMilliseconds = modelMilliseconds
            self.queueMilliseconds = queueMilliseconds
            self.totalMilliseconds = totalMilliseconds
        }

        enum CodingKeys: String, CodingKey {
            case modelMilliseconds = "model_ms"
            case queueMilliseconds = "queue_ms"
            case totalMilliseconds = "total_ms"
        }
    }

    public var imageID: String
    public var model: Model
    /// Best first.
    public var predictions: [Prediction]
    public var timing: Timing

    public init(imageID: String, model: Model, predictions: [Prediction], timing: Timing) {
        self.imageID = imageID
        self.model = model
        self.predictions = predictions
        self.timing = timing
    }

    enum CodingKeys: String, CodingKey {
        case imageID = "image_id"
        case model, predictions, timing
    }

    /// The message value: UTF-8 JSON, keys sorted.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    public static func decode(_ value: Data) throws -> PredictionMessage {
        try JSONDecoder().decode(PredictionMessage.self, from: value)
    }
}

extension ImageMessageHeaders {
    /// The content type of a prediction's value.
    public static let predictionContentType = "application/json"
}
