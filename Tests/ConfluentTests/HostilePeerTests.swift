import Foundation
import TestSupport
import Testing

/// `topic-provision` against a REST endpoint that misbehaves: a one-line error, bounded memory, and no crash.
@Suite(.timeLimit(.minutes(3)))
struct TopicProvisionHostilePeerTests {
    static func environment(_ server: HostileHTTPServer) -> [String: String] {
        [
            "KAFKA_REST_ENDPOINT": server.baseURL, "KAFKA_ID": "lkc-hostile1", "KAFKA_API_KEY": "HOSTILEKEY",
            "KAFKA_API_SECRET": "cfltHostileSecretNeverShown",
        ]
    }

    @Test(arguments: [
        HostileHTTPServer.Behaviour.hugeBody(bytes: 1 << 30, declaringLength: false), .endlessBody,
    ])
    func aGigabyteAnswerIsAOneLineErrorInBoundedMemory(behaviour: HostileHTTPServer.Behaviour) async throws {
        let server = try HostileHTTPServer(behaviour)
        defer { server.stop() }
        let (result, peak) = try await offThePool {
            try BuiltProduct.start("topic-provision", ["plan", "--topic", "images:1"], environment: Self.environment(server))
                .finishMeasuringMemory(timeout: 60)
        }
        #expect(result.status == 1)
        #expect(result.errorLines.count == 1, "\(result.standardError)")
        #expect(result.standardError.contains("the response body is larger than this call's limit of 16777216 bytes"))
        #expect(peak < 300 << 20, "peak resident memory \(peak >> 20) MiB")
        #expect(!result.output.contains("cfltHostileSecretNeverShown"))
    }

    @Test func aStallAfterTheHeadersEndsWithinTheStallTimeout() async throws {
        let server = try HostileHTTPServer(.stallAfterHeaders)
        defer { server.stop() }
        let result = try await runTopicProvision(["plan", "--topic", "images:1"], environment: Self.environment(server))
        #expect(result.status == 1)
        #expect(result.errorLines.count == 1, "\(result.standardError)")
        #expect(result.standardError.contains("the server sent its headers and then nothing for 10.0 seconds"))
    }

    @Test(arguments: ["inf", "1e300", "-1", "garbage"])
    func anyRetryAfterKeepsTheProcessRunning(value: String) async throws {
        let server = try HostileHTTPServer(.respond(status: 429, headers: [("Retry-After", value)], body: "{}"))
        defer { server.stop() }
        let (running, result) = try await server.runTool(
            "topic-provision", ["plan", "--topic", "images:1"], environment: Self.environment(server))
        #expect(server.requestCount >= 1)
        #expect(running || result.status == 1, "\(result.standardError)")
        #expect(!result.standardError.contains("Fatal error"), "\(result.standardError)")
    }
}
