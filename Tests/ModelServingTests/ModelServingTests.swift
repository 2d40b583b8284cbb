import Failure
import Foundation
import HTTP
import JPEG
import ModelServing
import PipelineMessages
import TestSupport
import Testing

/// Starts a local model server in this process and a TF Serving backend pointed at it.
func withModelServer(
    _ configuration: LocalModelServerConfiguration = LocalModelServerConfiguration(), path: String? = nil,
    _ body: (TFServingBackend, LocalModelServer) async throws -> Void
) async throws {
    let model = LocalModelServer(configuration: configuration)
    let server = try await EmbeddedHTTPServer.start { await model.handle($0) }
    let url = server.baseURL + (path ?? "/v1/models/\(configuration.modelName):predict")
    do {
        try await body(try TFServingBackend(predictURL: url, client: HTTPClient()), model)
    } catch {
        await server.stop()
        throw error
    }
    await server.stop()
}

func jpeg(red: UInt8, green: UInt8, blue: UInt8, size: Int = 16) throws -> Data {
    let pixels = (0..<size * size).flatMap { _ in [red, green, blue] }
    return try JPEGEncoder(quality: 95).encode(rgb: pixels, width: size, height: size)
}

@Suite(.timeLimit(.minutes(2)))
struct TFServingBackendTests {
    @Test func aRedImageIsClassifiedRed() async throws {
        try await withModelServer { backend, _ in
            let result = try await backend.predict(jpeg: try jpeg(red: 250, green: 80, blue: 10), timeout: .seconds(5))
            #expect(result.model.name == "image-classifier")
            #expect(result.predictions.map(\.label) == ["red", "green", "blue"])
            #expect(result.predictions[0].score > 0.7)
            #expect(abs(result.predictions.map(\.score).reduce(0, +) - 1) < 1e-5)
        }
    }

    @Test func theAnswerIsComputedFromTheImageThatWasSent() async throws {
        let images = SyntheticImages(width: 64, height: 48, seed: 3)
        let encoder = try JPEGEncoder()
        let decoder = try JPEGDecoder()
        try await withModelServer { backend, _ in
            for index in UInt64(0)..<5 {
                let bytes = try encoder.encode(images.image(index))
                let expected = LocalModelServer.classify(try decoder.decode(bytes))
                let result = try await backend.predict(jpeg: bytes, timeout: .seconds(5))
                #expect(result.predictions == expected)
            }
        }
    }

    @Test func statusNamesTheAvailableVersionAndPredictionsCarryIt() async throws {
        var configuration = LocalModelServerConfiguration()
        configuration.version = 7
        try await withModelServer(configuration) { backend, _ in
            let status = try await HTTPClient().send(HTTPRequest(.get, backend.statusURL))
            let decoded = try status.decode(TFServingModelStatus.self)
            #expect(decoded.modelVersionStatus.map(\.version) == ["7"])
            #expect(decoded.modelVersionStatus.map(\.state) == ["AVAILABLE"])
            #expect(decoded.modelVersionStatus.map(\.status.errorCode) == ["OK"])
            try await backend.checkReady(timeout: .seconds(5))
            let result = try await backend.predict(jpeg: try jpeg(red: 0, green: 0, blue: 200), timeout: .seconds(5))
            #expect(result.model == PredictionMessage.Model(name: "image-classifier", version: "7"))
        }
    }

    @Test func theStatusURLIsThePredictURLWithoutItsVerbAndQuery() throws {
        let backend = try TFServingBackend(
            predictURL: "https://models.example.com:8501/v1/models/resnet/versions/3:predict?trace=1", client: HTTPClient())
        #expect(backend.statusURL == "https://models.example.com:8501/v1/models/resnet/versions/3")
        #expect(backend.modelName == "resnet")
        #expect(backend.pinnedVersion == "3")
    }

    @Test func aPinnedVersionIsServedAndAnotherIsNotFound() async throws {
        try await withModelServer(path: "/v1/models/image-classifier/versions/1:predict") { backend, _ in
            #expect(backend.pinnedVersion == "1")
            let result = try await backend.predict(jpeg: try jpeg(red: 0, green: 200, blue: 0), timeout: .seconds(5))
            #expect(result.model.version == "1")
            #expect(result.predictions.first?.label == "green")
        }
        try await withModelServer(path: "/v1/models/image-classifier/versions/2:predict") { backend, _ in
            let error = await #expect(throws: ModelServingError.self) {
                try await backend.checkReady(timeout: .seconds(5))
            }
            #expect(error?.status == 404)
            #expect(error?.reason.contains("Servable not found") == true)
        }
    }

    @Test func notAJPEGIsAPermanent400() async throws {
        try await withModelServer { backend, _ in
            let error = await #expect(throws: ModelServingError.self) {
                try await backend.predict(jpeg: Data("GIF89a not a jpeg".utf8), timeout: .seconds(5))
            }
            #expect(error?.failureKind == .permanent)
            #expect(error?.status == 400)
            #expect(error?.description.hasPrefix("model answered 400: instance is not a JPEG image") == true)
        }
    }

    @Test func injectedFailuresAreRetriableAndEnd() async throws {
        var configuration = LocalModelServerConfiguration()
        configuration.failFirst = 2
        configuration.errorStatus = 503
        configuration.retryAfterSeconds = 1
        try await withModelServer(configuration) { backend, model in
            let image = try jpeg(red: 10, green: 10, blue: 240)
            for _ in 0..<2 {
                let error = await #expect(throws: ModelServingError.self) {
                    try await backend.predict(jpeg: image, timeout: .seconds(5))
                }
                #expect(error?.failureKind == .retriable)
                #expect(error?.status == 503)
                #expect(error?.retryAfter == .seconds(1))
            }
            #expect(try await backend.predict(jpeg: image, timeout: .seconds(5)).predictions.first?.label == "blue")
            #expect(model.predictCalls == 3)
        }
    }

    @Test func anErrorRateFailsAboutThatShareOfCalls() async throws {
        var configuration = LocalModelServerConfiguration()
        configuration.errorRate = 0.5
        configuration.errorStatus = 500
        configuration.seed = 42
        try await withModelServer(configuration) { backend, _ in
            let image = try jpeg(red: 10, green: 10, blue: 240)
            var failures = 0
            for _ in 0..<40 {
                do {
                    _ = try await backend.predict(jpeg: image, timeout: .seconds(5))
                } catch let error as ModelServingError {
                    #expect(error.status == 500)
                    failures += 1
                }
            }
            #expect((5...35).contains(failures), "a seeded 50% error rate fails some calls and not all")
        }
    }

    @Test func aRefusedConnectionIsSystemic() async throws {
        let backend = try TFServingBackend(
            predictURL: "http://127.0.0.1:\(unusedLoopbackPort())/v1/models/m:predict", client: HTTPClient())
        let error = await #expect(throws: ModelServingError.self) {
            try await backend.predict(jpeg: try jpeg(red: 1, green: 2, blue: 3), timeout: .seconds(5))
        }
        #expect(error?.failureKind == .systemic, "no image is at fault when nothing listens")
    }

    @Test func aBatchGetsOneAnswerPerImageInOrder() async throws {
        var configuration = LocalModelServerConfiguration()
        configuration.version = 4
        try await withModelServer(configuration) { backend, model in
            let images = [try jpeg(red: 240, green: 5, blue: 5), try jpeg(red: 5, green: 5, blue: 240), try jpeg(red: 5, green: 240, blue: 5)]
            let model4 = try await backend.checkReady(timeout: .seconds(5))
            #expect(model4 == PredictionMessage.Model(name: "image-classifier", version: "4"))
            let results = try await backend.predict(batch: images, timeout: .seconds(5))
            #expect(results.map { $0.predictions.first?.label } == ["red", "blue", "green"])
            #expect(results.allSatisfy { $0.model.version == "4" })
            #expect(model.predictCalls == 1, "one request for the batch")
            let refused = await #expect(throws: ModelServingError.self) {
                try await backend.predict(batch: [images[0], Data("not a jpeg".utf8)], timeout: .seconds(5))
            }
            #expect(refused?.failureKind == .permanent, "one bad image fails the whole request, as TF Serving does")
        }
    }

    @Test(arguments: [
        (400, FailureKind.permanent), (413, .permanent), (422, .permanent),
        (401, .systemic), (403, .systemic), (404, .systemic), (405, .systemic),
        (408, .retriable), (429, .retriable), (500, .retriable), (503, .retriable), (504, .retriable),
    ])
    func statusesAreClassifiedInOnePlace(status: Int, kind: FailureKind) {
        let error = ModelServingError.classifying(status: status, reason: "x")
        #expect(error.failureKind == kind)
        #expect(error.code == .status(status) && error.code.description == "http_\(status)")
    }

    @Test func transportFailuresAreClassifiedInOnePlace() {
        func kind(_ code: HTTPClientError.Code, _ curlCode: Int32?) -> FailureKind {
            ModelServingError.classifying(transport: HTTPClientError(code: code, url: "http://m", reason: "x", curlCode: curlCode)).failureKind
        }
        #expect(kind(.timeout, 28) == .retriable, "a model that chokes on one image times out on it")
        #expect(kind(.connection, 7) == .systemic, "connection refused")
        #expect(kind(.connection, 6) == .systemic, "DNS")
        #expect(kind(.connection, 56) == .retriable, "a reset while sending this image")
        #expect(kind(.tls, 60) == .systemic)
    }

    @Test(arguments: [
        "http://127.0.0.1:8501/v1/models/m",
        "http://127.0.0.1:8501/predict",
        "http://127.0.0.1:8501/v1/models/m/versions/x:predict",
        "http://10.0.0.5:8501/v1/models/m:predict",
        "not a url",
    ])
    func badModelURLsAreRefused(url: String) {
        #expect(throws: ModelServingError.self) { try TFServingBackend(predictURL: url, client: HTTPClient()) }
    }

    @Test func aBlackImageScoresAThirdEach() {
        let black = RGBImage(width: 2, height: 2, pixels: [UInt8](repeating: 0, count: 12))
        #expect(LocalModelServer.classify(black).map(\.label) == ["red", "green", "blue"])
        #expect(LocalModelServer.classify(black).map(\.score) == [0.333333, 0.333333, 0.333333])
    }
}

@Suite(.timeLimit(.minutes(2)))
struct LocalModelServerCommandTests {
    @Test func servesTFServingsRESTAPIAndStopsOnSIGTERM() async throws {
        let process = try BuiltProduct.start("local-model-server", ["--http-port", "0", "--model-name", "resnet", "--log-level", "warning"])
        #expect(try await offThePool { eventually { process.standardOutputSoFar.contains(":predict") } })
        let url = process.standardOutputSoFar.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(url.hasSuffix("/v1/models/resnet:predict"))
        let backend = try TFServingBackend(predictURL: url, client: HTTPClient())
        try await backend.checkReady(timeout: .seconds(5))
        let result = try await backend.predict(jpeg: try jpeg(red: 200, green: 20, blue: 20), timeout: .seconds(5))
        #expect(result.predictions.first?.label == "red")
        #expect(result.model == PredictionMessage.Model(name: "resnet", version: "1"))
        process.signal(SIGTERM)
        #expect(try await offThePool { process.finish() }.status == 0)
    }

    @Test func helpSaysItIsAStandIn() throws {
        let result = try BuiltProduct.run("local-model-server", ["--help"])
        #expect(result.status == 0)
        #expect(result.standardOutput.contains("stand-in for TensorFlow Serving"))
        #expect(result.standardOutput.contains("Examples:"))
    }

    @Test(arguments: [
        (["--error-rate", "2"], "--error-rate"),
        (["--error-status", "200"], "--error-status"),
        (["--latency", "20"], "--latency"),
        (["--http-port", "70000"], "--http-port"),
        (["--fail-first", "-1"], "--fail-first"),
    ])
    func badArgumentsGiveAOneLineError(arguments: [String], mentions: String) throws {
        let result = try BuiltProduct.run("local-model-server", arguments)
        #expect(result.status == 64)
        #expect(result.standardError.contains(mentions))
        #expect(!result.standardError.contains("Fatal error"))
    }
}
