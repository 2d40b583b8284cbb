import Failure
import Foundation
import HTTP
import PipelineMessages
import Synchronization

/// TensorFlow Serving's REST API (https://www.tensorflow.org/tfx/serving/api_rest).
///
/// Predict: `POST …/v1/models/NAME[/versions/N]:predict` with `{"instances":[{"b64":"<base64 JPEG>"}, …]}`, the row
/// format for a model whose serving signature takes encoded image bytes. Each row of the answer's `predictions` is
/// read as an object of parallel label and score lists (`labels`/`classes` with `scores`/`probabilities`), the usual
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
                .invalidRequest, .permanent,
                reason: "model URL \(predictURL) is not a TF Serving predict URL "
                    + "(http(s)://HOST:PORT/v1/models/NAME[/versions/N]:predict)")
        }
        let model = path[range.upperBound...].dropLast(":predict".count).split(separator: "/").map(String.init)
        guard model.count == 1 || (model.count == 3 && model[1] == "versions" && Int(model[2]) != nil),
            !model[0].isEmpty
        else {
            throw ModelServingError(
                .invalidRequest, .permanent, reason: "model URL \(predictURL) names no model as /v1/models/NAME[/versions/N]")
        }
        do {
            try HTTPClient.checkURL(predictURL, allowsPlainHTTPToAnyHost: client.configuration.allowsPlainHTTPToAnyHost)
        } catch {
            throw ModelServingError(.invalidRequest, .permanent, reason: "\(error)")
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

    public func predict(batch: [Data], timeout: Duration) async throws(ModelServingError) -> [ModelPredictionResult] {
        let response = try await send(
            HTTPRequest(
                .post, predictURL, headers: [HTTPHeader("Content-Type", "application/json")],
                body: TFServingPredictRequest.body(batch), timeout: timeout))
        guard response.isSuccess else { throw Self.error(for: response) }
        let decoded: TFServingPredictResponse
        do {
            decoded = try response.decode()
        } catch {
            throw ModelServingError(.unreadableAnswer, .permanent, reason: "cannot read the model's answer: \(error)")
        }
        guard decoded.predictions.count == batch.count else {
            throw ModelServingError(
                .unreadableAnswer, .permanent,
                reason: "the model answered \(decoded.predictions.count) predictions for \(batch.count) instances")
        }
        let model = PredictionMessage.Model(name: modelName, version: pinnedVersion ?? discoveredVersion.value ?? "")
        return decoded.predictions.map { row in
            let ranked = zip(row.labels, row.scores).map { PredictionMessage.Prediction(label: $0, score: $1) }
                .sorted { $0.score > $1.score }
            return ModelPredictionResult(model: model, predictions: Array(ranked.prefix(topK)))
        }
    }

    /// Ready when a version is AVAILABLE; remembers the newest such version, which predictions then carry.
    @discardableResult
    public func checkReady(timeout: Duration) async throws(ModelServingError) -> PredictionMessage.Model {
        let response = try await send(HTTPRequest(.get, statusURL, timeout: timeout))
        guard response.isSuccess else { throw Self.error(for: response) }
        let status: TFServingModelStatus
        do {
            status = try response.decode()
        } catch {
            throw ModelServingError(.unreadableAnswer, .systemic, reason: "cannot read the model status: \(error)")
        }
        let available = status.modelVersionStatus.filter { $0.state == "AVAILABLE" }
            .max { (Int($0.version) ?? 0) < (Int($1.version) ?? 0) }
        guard let available else {
            let states = status.modelVersionStatus.map { "\($0.version): \($0.state)" }.joined(separator: ", ")
            throw ModelServingError(.notReady, .systemic, reason: "no version of \(modelName) is AVAILABLE (\(states))")
        }
        discoveredVersion.value = available.version
        return PredictionMessage.Model(name: modelName, version: pinnedVersion ?? available.version)
    }

    private func send(_ request: @autoclosure () throws -> HTTPRequest) async throws(ModelServingError) -> HTTPResponse {
        do {
            return try await client.sendOnce(try request())
        } catch let error as HTTPClientError {
            throw ModelServingError.classifying(transport: error)
        } catch {
            throw ModelServingError(.invalidRequest, .permanent, reason: "\(error)")
        }
    }

    /// TF Serving explains a failure as `{"error": "…"}`.
    static func error(for response: HTTPResponse) -> ModelServingError {
        let explanation = (try? response.decode(TFServingErrorBody.self).error) ?? String(response.bodyText.prefix(200))
        return ModelServingError.classifying(
            status: response.status, reason: explanation,
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
