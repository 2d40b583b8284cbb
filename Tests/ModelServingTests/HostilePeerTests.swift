import Failure
import Foundation
import HTTP
import JPEG
import ModelServing
import TestSupport
import Testing

/// inference-app's model calls (its TF Serving backend) against a misbehaving model server, and the local model
/// server against a JPEG bomb: each ends with a one-line error within the call's timeout.
@Suite(.timeLimit(.minutes(2)))
struct ModelServingHostilePeerTests {
    func backend(_ server: HostileHTTPServer) throws -> TFServingBackend {
        var configuration = HTTPClientConfiguration()
        configuration.stallTimeout = .seconds(1)
        return try TFServingBackend(
            predictURL: server.baseURL + "/v1/models/image-classifier:predict", client: HTTPClient(configuration: configuration))
    }

    @Test(arguments: ["inf", "1e300", "-1", "garbage"])
    func anyRetryAfterIsRetriableAndCappedByThePolicy(value: String) async throws {
        let server = try HostileHTTPServer(.respond(status: 503, headers: [("Retry-After", value)], body: #"{"error":"busy"}"#))
        defer { server.stop() }
        let error = await #expect(throws: ModelServingError.self) {
            try await backend(server).predict(jpeg: try jpeg(red: 1, green: 2, blue: 3), timeout: .seconds(5))
        }
        #expect(error?.failureKind == .retriable && error?.status == 503)
        let delay = RetryPolicy().delay(afterAttempt: 1, retryAfter: error?.retryAfter, jitter: 1)
        #expect(delay <= RetryPolicy().maxBackoff)
    }

    @Test(arguments: [HostileHTTPServer.Behaviour.hugeBody(bytes: 1 << 30, declaringLength: false), .endlessBody])
    func aHugeAnswerEndsAtTheBodyLimit(behaviour: HostileHTTPServer.Behaviour) async throws {
        let server = try HostileHTTPServer(behaviour)
        defer { server.stop() }
        let error = await #expect(throws: ModelServingError.self) {
            try await backend(server).predict(jpeg: try jpeg(red: 1, green: 2, blue: 3), timeout: .seconds(30))
        }
        #expect(error?.reason.contains("the response body is larger than this call's limit of 16777216 bytes") == true)
    }

    @Test func aStallAfterTheHeadersEndsWithinTheTimeoutAndIsRetriable() async throws {
        let server = try HostileHTTPServer(.stallAfterHeaders)
        defer { server.stop() }
        let error = await #expect(throws: ModelServingError.self) {
            try await backend(server).predict(jpeg: try jpeg(red: 1, green: 2, blue: 3), timeout: .seconds(20))
        }
        // The stall (1 s), not the 20 s timeout, ended the call: the reason says which.
        #expect(error?.failureKind == .retriable)
        #expect(error?.reason.contains("the server sent its headers and then nothing for 1.0 seconds") == true)
    }

    @Test func theLocalModelServerRefusesAJPEGBombWithA400() async throws {
        try await withModelServer { backend, _ in
            let bomb = jpegBomb(from: try jpeg(red: 9, green: 9, blue: 9))
            let error = await #expect(throws: ModelServingError.self) {
                try await backend.predict(jpeg: bomb, timeout: .seconds(5))
            }
            #expect(error?.failureKind == .permanent && error?.status == 400)
            #expect(
                error?.description
                    == "model answered 400: instance is not a JPEG image: the image is 65500x65500 pixels, more than the limit of 67108864 pixels")
        }
    }
}
