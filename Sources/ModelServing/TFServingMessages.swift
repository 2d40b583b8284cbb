import Foundation

// TF Serving's REST shapes (https://www.tensorflow.org/tfx/serving/api_rest): the backend writes requests and
// reads answers with them, and the local model server answers with the same types.

public struct TFServingPredictRequest: Codable, Sendable {
    public struct Instance: Codable, Sendable {
        public var b64: String
    }

    public var instances: [Instance]

    /// `{"instances":[{"b64":"…"},…]}`, written directly: base64 needs no JSON escaping, and on the data path the
    /// encoder's scan of every character is measurable.
    static func body(_ images: [Data]) -> Data {
        var body = Data("{\"instances\":[".utf8)
        for (index, image) in images.enumerated() {
            body.append(contentsOf: Array((index == 0 ? "{\"b64\":\"" : ",{\"b64\":\"").utf8))
            body.append(image.base64EncodedData())
            body.append(contentsOf: Array("\"}".utf8))
        }
        body.append(contentsOf: Array("]}".utf8))
        return body
    }
}

/// One row of `predictions`: parallel lists of labels and scores, under the names classifiers commonly export.
public struct TFServingClassification: Codable, Sendable, Equatable {
    public var labels: [String]
    public var scores: [Double]

    public init(labels: [String], scores: [Double]) {
        self.labels = labels
        self.scores = scores
    }

    enum CodingKeys: String, CodingKey {
        case labels, classes, scores, probabilities
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        labels = try container.decodeIfPresent([String].self, forKey: .labels)
            ?? container.decode([String].self, forKey: .classes)
        scores = try container.decodeIfPresent([Double].self, forKey: .scores)
            ?? container.decode([Double].self, forKey: .probabilities)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(labels, forKey: .labels)
        try container.encode(scores, forKey: .scores)
    }
}

public struct TFServingPredictResponse: Codable, Sendable {
    public var predictions: [TFServingClassification]
}

/// `GET /v1/models/NAME`, as TF Serving answers it.
public struct TFServingModelStatus: Codable, Sendable, Equatable {
    public struct VersionStatus: Codable, Sendable, Equatable {
        public struct Status: Codable, Sendable, Equatable {
            public var errorCode: String
            public var errorMessage: String

            enum CodingKeys: String, CodingKey {
                case errorCode = "error_code"
                case errorMessage = "error_message"
            }
        }

        public var version: String
        /// START, LOADING, AVAILABLE, UNLOADING or END.
        public var state: String
        public var status: Status
    }

    public var modelVersionStatus: [VersionStatus]

    enum CodingKeys: String, CodingKey {
        case modelVersionStatus = "model_version_status"
    }
}

struct TFServingErrorBody: Codable {
    var error: String
}
