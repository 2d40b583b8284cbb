import Foundation
import TestSupport
import Testing

/// `model-provision` against an API root that misbehaves: a one-line error, bounded memory, and no crash.
@Suite(.timeLimit(.minutes(3)))
struct ModelProvisionHostilePeerTests {
    static func environment(_ server: HostileHTTPServer, directory: URL) throws -> [String: String] {
        let config = directory.appendingPathComponent("pipeline.yaml").path
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try """
            google:
              project: hostile-project
              region: us-central1
              model:
                name: image-classifier
                saved_model_uri: gs://bucket/models/image-classifier/
            """.write(toFile: config, atomically: true, encoding: .utf8)
        return [
            "HOME": directory.path, "CLOUDSDK_CONFIG": directory.appendingPathComponent("gcloud").path,
            "GOOGLE_OAUTH_ACCESS_TOKEN": "ya29.hostile-test-token", "PIPELINE_GOOGLE_API_ROOT": server.baseURL,
            "PIPELINE_CONFIG": config,
        ]
    }

    func run(_ behaviour: HostileHTTPServer.Behaviour, timeout: TimeInterval = 60) async throws
        -> (result: BuiltProduct.Result, peakBytes: Int, requests: Int)
    {
        let server = try HostileHTTPServer(behaviour)
        defer { server.stop() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let environment = try Self.environment(server, directory: directory)
        let (result, peak) = try await offThePool {
            try BuiltProduct.start("model-provision", ["status"], environment: environment)
                .finishMeasuringMemory(timeout: timeout)
        }
        return (result, peak, server.requestCount)
    }

    @Test(arguments: [
        HostileHTTPServer.Behaviour.hugeBody(bytes: 1 << 30, declaringLength: false),
        .hugeBody(bytes: 1 << 30, declaringLength: true), .endlessBody,
    ])
    func aGigabyteAnswerIsAOneLineErrorInBoundedMemory(behaviour: HostileHTTPServer.Behaviour) async throws {
        let (result, peak, _) = try await run(behaviour)
        #expect(result.status == 1)
        let lines = result.standardError.split(separator: "\n").filter { $0.hasPrefix("Error:") }
        #expect(lines.count == 1, "\(result.standardError)")
        #expect(lines.first?.contains("the response body is larger than this call's limit of 16777216 bytes") == true)
        #expect(peak < 300 << 20, "peak resident memory \(peak >> 20) MiB")
        #expect(!result.standardError.contains("ya29.hostile-test-token"))
    }

    @Test func aStallAfterTheHeadersIsRetriedLikeATimeoutThenEndsWithTheStall() async throws {
        // Five attempts, each ended by the 10 s stall rule: the process is given room for all of them.
        let (result, _, requests) = try await run(.stallAfterHeaders, timeout: 150)
        #expect(result.status == 1)
        #expect(requests == 5, "a stall is retriable, like a timeout")
        #expect(result.standardError.contains("the server sent its headers and then nothing for 10.0 seconds"), "\(result.standardError)")
    }

    @Test(arguments: ["inf", "1e300", "-1", "nan", "garbage"])
    func anyRetryAfterKeepsTheProcessRunning(value: String) async throws {
        let server = try HostileHTTPServer(.respond(status: 503, headers: [("Retry-After", value)], body: "{}"))
        defer { server.stop() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let (running, result) = try await server.runTool(
            "model-provision", ["status"], environment: try Self.environment(server, directory: directory))
        #expect(server.requestCount >= 1)
        // Still waiting (at most the policy's 20 s between attempts), or finished with a one-line error: no trap.
        #expect(running || result.status == 1, "\(result.standardError)")
        #expect(!result.standardError.contains("Fatal error"), "\(result.standardError)")
    }
}
