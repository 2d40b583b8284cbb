import Foundation
import HTTP
import JPEG
import PipelineMessages
import Synchronization

/// A stand-in for TensorFlow Serving's REST API, for local runs and tests; it is not a model.
///
/// It serves `GET /v1/models/NAME[/versions/N]` (the model status, as TF Serving answers it) and
/// `POST /v1/models/NAME[/versions/N]:predict` with `{"instances":[{"b64":…}]}`. Each instance is decoded with
/// libjpeg and "classified" by a fixed rule on its pixels (`classify`), so a test can tell which image reached it.
/// A body that is not a JPEG gets 400 with TF Serving's `{"error": …}` shape.
public final class LocalModelServer: Sendable {
    public let configuration: LocalModelServerConfiguration
    private let state: Mutex<State>

    private struct State {
        var predictCalls = 0
        var random: SplitMix64
    }

    public init(configuration: LocalModelServerConfiguration) {
        self.configuration = configuration
        state = Mutex(State(random: SplitMix64(seed: configuration.seed)))
    }

    /// Predict calls answered so far, failed ones included.
    public var predictCalls: Int { state.withLock { $0.predictCalls } }

    /// The classification rule: the labels `red`, `green` and `blue`, each scored by its channel's share of the
    /// image's mean brightness (the three scores sum to 1; a black image scores 1/3 each), best first and, on a
    /// tie, in red-green-blue order. Rounded to 6 decimals so the JSON is short and exact.
    public static func classify(_ image: RGBImage) -> [PredictionMessage.Prediction] {
        let means = image.channelMeans
        let total = means.red + means.green + means.blue
        let shares = total == 0 ? [1.0 / 3, 1.0 / 3, 1.0 / 3] : [means.red / total, means.green / total, means.blue / total]
        return zip(["red", "green", "blue"], shares)
            .map { PredictionMessage.Prediction(label: $0, score: ($1 * 1e6).rounded() / 1e6) }
            .enumerated().sorted { $0.element.score != $1.element.score ? $0.element.score > $1.element.score : $0.offset < $1.offset }
            .map(\.element)
    }

    /// The HTTP handler, for `EmbeddedHTTPServer.start(handler:)`.
    public func handle(_ request: ServerRequest) async -> ServerResponse {
        let prefix = "/v1/models/"
        guard request.path.hasPrefix(prefix) else { return Self.error("Malformed request: \(request.method) \(request.path)", status: 404) }
        var rest = String(request.path.dropFirst(prefix.count))
        let isPredict = rest.hasSuffix(":predict")
        if isPredict { rest.removeLast(":predict".count) }
        let parts = rest.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let requestedVersion: Int?
        switch parts.count {
        case 1: requestedVersion = nil
        case 3 where parts[1] == "versions" && Int(parts[2]) != nil: requestedVersion = Int(parts[2])
        default: return Self.error("Malformed request: \(request.method) \(request.path)", status: 404)
        }
        guard parts[0] == configuration.modelName, requestedVersion == nil || requestedVersion == configuration.version
        else {
            let which = requestedVersion.map { "Specific(\(parts[0]), \($0))" } ?? "Latest(\(parts[0]))"
            return Self.error("Servable not found for request: \(which)", status: 404)
        }
        switch (request.method, isPredict) {
        case ("GET", false):
            return ServerResponse.jsonObject([
                "model_version_status": [
                    [
                        "version": "\(configuration.version)", "state": "AVAILABLE",
                        "status": ["error_code": "OK", "error_message": ""],
                    ]
                ]
            ])
        case ("POST", true):
            return await predict(request.body)
        default:
            return Self.error("Malformed request: \(request.method) \(request.path)", status: 405)
        }
    }

    private func predict(_ body: Data) async -> ServerResponse {
        let parsed = Result { try Self.instances(in: body) }
        let count = (try? parsed.get().count) ?? 1
        let (fails, delay) = state.withLock { state -> (Bool, Duration) in
            state.predictCalls += 1
            let fails = state.predictCalls <= configuration.failFirst
                || (configuration.errorRate > 0 && state.random.nextUnit() < configuration.errorRate)
            let jitter = configuration.latencyJitter * state.random.nextUnit()
            return (fails, configuration.latency + jitter + configuration.latencyPerInstance * count)
        }
        if delay > .zero { try? await Task.sleep(for: delay) }
        if fails {
            var response = Self.error("injected failure (local model server)", status: configuration.errorStatus)
            if let retryAfter = configuration.retryAfterSeconds {
                response.headers.append(HTTPHeader("Retry-After", "\(retryAfter)"))
            }
            return response
        }
        let instances: [Data]
        do {
            instances = try parsed.get()
        } catch {
            return Self.error("\(error)", status: 400)
        }
        var predictions: [TFServingClassification] = []
        do {
            let decoder = try JPEGDecoder()
            for instance in instances {
                let ranked = Self.classify(try decoder.decode(instance))
                predictions.append(TFServingClassification(labels: ranked.map(\.label), scores: ranked.map(\.score)))
            }
        } catch let error as JPEGError {
            return Self.error("instance is not a JPEG image: \(error.reason)", status: 400)
        } catch {
            return Self.error("\(error)", status: 500)
        }
        return .json(TFServingPredictResponse(predictions: predictions))
    }

    /// Reads `{"instances":[{"b64":…}]}` and the Vertex-style `{"instances":[{"image_bytes":{"b64":…}}]}`.
    static func instances(in body: Data) throws -> [Data] {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
            let instances = object["instances"] as? [Any], !instances.isEmpty
        else {
            throw LocalModelServerError("JSON Parse error: the body must be an object with a non-empty \"instances\" list")
        }
        return try instances.enumerated().map { index, instance in
            let fields = instance as? [String: Any]
            let encoded = fields?["b64"] as? String ?? (fields?["image_bytes"] as? [String: Any])?["b64"] as? String
            guard let encoded, let bytes = Data(base64Encoded: encoded) else {
                throw LocalModelServerError("instances[\(index)] needs a base64 image as {\"b64\": …}")
            }
            return bytes
        }
    }

    static func error(_ message: String, status: Int) -> ServerResponse {
        ServerResponse.jsonObject(["error": message], status: status)
    }
}

struct LocalModelServerError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
