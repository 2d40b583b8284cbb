import Foundation
import HTTP
import PipelineMessages
import Synchronization

/// TensorFlow Serving's REST API (https://www.tensorflow.org/tfx/serving/api_rest).
///
/// Predict: `POST …/v1/models/NAME[/versions/N]:predict` with `{"instances":[{"b64":"<base64 JPEG>"}]}`, the row
/// format for a model whose serving signature takes encoded image bytes. The answer's `predictions[0]` is read as
/// an object of parallel label and score lists (`labels`/`classes` with `scores`/`probabilities`), the usual
/// output of an image classifier's serving signature. Status: `GET …/v1/models/NAME[/versions/N]`.
public struct TFServingBackend: ModelServingBackend {
    public let predictURL: String
    public let statusURL: String
    public let modelName: String
    /// The pinned version from the URL, if any.
    public let pinnedVersion: String?
    /// How many predictions to keep, best first. Default: 5.
    public let topK: Int
    private let client: HTTPClient
    private let discoveredVersion = VersionCache()

    /// `predictURL` must look like `http(s)://HOST[:PORT]/v1/models/NAME[/versions/N]:predict`.
    public init(predictURL: String, client: HTTPClient, topK: Int = 5) throws(ModelServingError) {
        guard let components = URLComponents(string: predictURL), case let path = components.path,
            path.hasSuffix(":predict"), let range = path.range(of: "/v1/models/")
        else {
            throw ModelServingError(
                kind: .permanent,
                reason: "model URL \(predictURL) is not a TF Serving predict URL "
                    + "(http(s)://HOST:PORT/v1/models/NAME[/versions/N]:predict)")
        }
        let model = path[range.upperBound...].dropLast(":predict".count).split(separator: "/").map(String.init)
        guard model.count == 1 || (model.count == 3 && model[1] == "versions" && Int(model[2]) != nil),
            !model[0].isEmpty
        else {
            throw ModelServingError(
                kind: .permanent, reason: "model URL \(predictURL) names no model as /v1/models/NAME[/versions/N]")
        }
        do {
            try HTTPClient.checkURL(predictURL, allowsPlainHTTPToAnyHost: client.configuration.allowsPlainHTTPToAnyHost)
        } catch {
            throw ModelServingError(kind: .permanent, reason: "\(error)")
        }
        self.predictURL = predictURL
        var status = components
        status.path = String(path.dropLast(":predict".count))
        status.query = nil
        self.statusURL = status.string ?? predictURL
        self.modelName = model[0]
        self.pinnedVersion = model.count == 3 ? model[2] : nil
        self.topK = topK
        self.client = client
    }

    public var modelDescription: String {
        "TF Serving model \(modelName)" + (pinnedVersion.map { " version \($0)" } ?? "") + " at \(statusURL)"
    }

    public func predict(jpeg: Data, imageID: String, timeout: Duration) async throws(ModelServingError)
        -> ModelPredictionResult
    {
        let body = TFServingPredictRequest(instances: [.init(b64: jpeg.base64EncodedString())])
        let response = try await send(.json(.post, predictURL, body: body, timeout: timeout))
        guard response.isSuccess else { throw Self.error(for: response) }
        let decoded: TFServingPredictResponse
        do {
            decoded = try response.decode()
        } catch {
            throw ModelServingError(kind: .permanent, reason: "cannot read the model's answer: \(error)")
        }
        guard let first = decoded.predictions.first else {
            throw ModelServingError(kind: .permanent, reason: "the model answered no predictions")
        }
        let ranked = zip(first.labels, first.scores).map { PredictionMessage.Prediction(label: $0, score: $1) }
            .sorted { $0.score > $1.score }
        let version = pinnedVersion ?? discoveredVersion.value ?? ""
        return ModelPredictionResult(
            model: .init(name: modelName, version: version), predictions: Array(ranked.prefix(topK)))
    }

    public func checkReady(timeout: Duration) async throws(ModelServingError) {
        let response = try await send(HTTPRequest(.get, statusURL, timeout: timeout))
        guard response.isSuccess else { throw Self.error(for: response) }
        let status: TFServingModelStatus
        do {
            status = try response.decode()
        } catch {
            throw ModelServingError(kind: .permanent, reason: "cannot read the model status: \(error)")
        }
        guard let available = status.modelVersionStatus.first(where: { $0.state == "AVAILABLE" }) else {
            let states = status.modelVersionStatus.map { "\($0.version): \($0.state)" }.joined(separator: ", ")
            throw ModelServingError(kind: .retriable, reason: "no version of \(modelName) is AVAILABLE (\(states))")
        }
        discoveredVersion.value = available.version
    }

    private func send(_ request: @autoclosure () throws -> HTTPRequest) async throws(ModelServingError) -> HTTPResponse {
        do {
            return try await client.sendOnce(try request())
        } catch let error as HTTPClientError {
            // A stalled answer is the server's problem, not the image's: worth waiting out like a timeout.
            let retriable = error.isRetriable || error.kind == .stalled
            throw ModelServingError(kind: retriable ? .retriable : .permanent, reason: "\(error)")
        } catch {
            throw ModelServingError(kind: .permanent, reason: "\(error)")
        }
    }

    /// TF Serving explains a failure as `{"error": "…"}`. A 404 (model not loaded yet, or a wrong name) counts as
    /// retriable: dead-lettering every image because of a server-side or configuration problem would be worse
    /// than waiting, and `/readyz` reports it meanwhile.
    static func error(for response: HTTPResponse) -> ModelServingError {
        let explanation = (try? response.decode(TFServingErrorBody.self).error) ?? String(response.bodyText.prefix(200))
        let retriable = RetryPolicy().retriableStatuses.contains(response.status) || response.status == 404
        return ModelServingError(
            kind: retriable ? .retriable : .permanent, status: response.status, reason: explanation,
            retryAfter: RetryPolicy.parseRetryAfter(response.headers.value(named: "Retry-After")))
    }
}

/// The version the server last reported as AVAILABLE, shared by concurrent predictions.
private final class VersionCache: Sendable {
    private let storage = Mutex<String?>(nil)

    var value: String? {
        get { storage.withLock { $0 } }
        set { storage.withLock { $0 = newValue } }
    }
}

// MARK: - TF Serving's REST shapes

public struct TFServingPredictRequest: Codable, Sendable {
    public struct Instance: Codable, Sendable {
        public var b64: String
    }

    public var instances: [Instance]
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
