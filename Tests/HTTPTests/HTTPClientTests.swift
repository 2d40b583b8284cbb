import Failure
import Foundation
import HTTP
import Logging
import Synchronization
import TestSupport
import Testing

/// Counts requests and answers from a script, one response per request (the last one repeats).
final class ScriptedServer: Sendable {
    private let script: [ServerResponse]
    private let received = Mutex<[(request: ServerRequest, at: ContinuousClock.Instant)]>([])

    init(_ script: [ServerResponse]) {
        self.script = script
    }

    func handle(_ request: ServerRequest) -> ServerResponse {
        let count = received.withLock { received in
            received.append((request, ContinuousClock.now))
            return received.count
        }
        return script[min(count, script.count) - 1]
    }

    var requests: [ServerRequest] { received.withLock { $0.map(\.request) } }
    var times: [ContinuousClock.Instant] { received.withLock { $0.map(\.at) } }
}

func withServer(
    _ script: [ServerResponse], _ body: (EmbeddedHTTPServer, ScriptedServer) async throws -> Void
) async throws {
    let scripted = ScriptedServer(script)
    let server = try await EmbeddedHTTPServer.start { scripted.handle($0) }
    do {
        try await body(server, scripted)
    } catch {
        await server.stop(timeout: 0.1)
        throw error
    }
    await server.stop(timeout: 0.1)
}

func fastRetries(_ attempts: Int = 5) -> HTTPClientConfiguration {
    var configuration = HTTPClientConfiguration()
    configuration.retry = RetryPolicy(maxAttempts: attempts, initialBackoff: .milliseconds(10), maxBackoff: .seconds(2))
    return configuration
}

@Suite(.timeLimit(.minutes(2)))
struct HTTPClientTests {
    @Test func methodsHeadersAndJSONBodiesReachTheServer() async throws {
        try await withServer([.jsonObject(["ok": true], status: 201)]) { server, scripted in
            let client = HTTPClient()
            struct Payload: Encodable { let name: String; let partitions: Int }
            for method in [HTTPMethod.post, .put, .patch, .delete] {
                let response = try await client.send(
                    try .json(method, server.baseURL + "/v3/topics?validate=true", headers: [HTTPHeader("X-Trace", "1")],
                              body: Payload(name: "images", partitions: 6)))
                #expect(response.status == 201)
                #expect(try response.decode([String: Bool].self) == ["ok": true])
                #expect(response.headers.value(named: "content-type") == "application/json")
            }
            let get = try await client.send(HTTPRequest(.get, server.baseURL + "/plain"))
            #expect(get.status == 201)
            let requests = scripted.requests
            #expect(requests.map(\.method) == ["POST", "PUT", "PATCH", "DELETE", "GET"])
            #expect(requests[0].path == "/v3/topics" && requests[0].query["validate"] == "true")
            #expect(requests[0].headers.value(named: "x-trace") == "1")
            #expect(String(decoding: requests[0].body, as: UTF8.self) == #"{"name":"images","partitions":6}"#)
            #expect(requests[4].body.isEmpty)
        }
    }

    @Test func retriesOn503ThenSucceeds() async throws {
        try await withServer([.text("busy", status: 503), .text("busy", status: 503), .text("done")]) { server, scripted in
            let response = try await HTTPClient(configuration: fastRetries()).send(HTTPRequest(.get, server.baseURL))
            #expect(response.status == 200)
            #expect(response.bodyText == "done")
            #expect(scripted.requests.count == 3)
        }
    }

    @Test func givesUpAfterMaxAttemptsAndReturnsTheLastResponse() async throws {
        try await withServer([.text("still busy", status: 503)]) { server, scripted in
            let response = try await HTTPClient(configuration: fastRetries(3)).send(HTTPRequest(.get, server.baseURL))
            #expect(response.status == 503)
            #expect(scripted.requests.count == 3)
        }
    }

    @Test(arguments: [(400, 1), (401, 1), (404, 1), (409, 1), (408, 2), (429, 2), (501, 2)])
    func onlyRetriableStatusesAreRetried(status: Int, requests: Int) async throws {
        try await withServer([.text("no", status: status)]) { server, scripted in
            let response = try await HTTPClient(configuration: fastRetries(2)).send(HTTPRequest(.get, server.baseURL))
            #expect(response.status == status)
            #expect(scripted.requests.count == requests, "FailureKind(httpStatus: \(status)) decides")
        }
    }

    @Test func honoursRetryAfter() async throws {
        let throttled = ServerResponse(status: 429, headers: [HTTPHeader("Retry-After", "1")])
        try await withServer([throttled, .text("ok")]) { server, scripted in
            let response = try await HTTPClient(configuration: fastRetries()).send(HTTPRequest(.get, server.baseURL))
            #expect(response.status == 200)
            let times = scripted.times
            #expect(times.count == 2)
            // The backoff alone would wait 10 ms; waiting at least the second the server asked for shows it was read.
            #expect(times[1] - times[0] >= .milliseconds(950))
        }
    }

    @Test func timeoutIsAnError() async throws {
        let server = try await EmbeddedHTTPServer.start { _ in
            try? await Task.sleep(for: .seconds(3))
            return .text("late")
        }
        let error = await #expect(throws: HTTPClientError.self) {
            try await HTTPClient().send(HTTPRequest(.get, server.baseURL, timeout: .milliseconds(200)), retry: RetryPolicy.none)
        }
        #expect(error?.code == .timeout)
        await server.stop(timeout: 0)
    }

    @Test func refusedConnectionIsSystemic() async throws {
        let port = unusedLoopbackPort()
        let error = await #expect(throws: HTTPClientError.self) {
            try await HTTPClient(configuration: fastRetries(2)).send(HTTPRequest(.get, "http://127.0.0.1:\(port)/"))
        }
        #expect(error?.code == .connection)
        #expect(error?.curlCode == 7)
        #expect(error?.failureKind == .systemic, "nothing listens: no request reached a server, so none is retried")
    }

    @Test func transportFailuresHaveOneRule() {
        func kind(_ code: HTTPClientError.Code, _ curlCode: Int32?) -> FailureKind {
            HTTPClientError(code: code, url: "http://m", reason: "x", curlCode: curlCode).failureKind
        }
        #expect(kind(.timeout, 28) == .retriable)
        #expect(kind(.stalled, nil) == .retriable)
        #expect(kind(.other, nil) == .retriable)
        #expect(kind(.connection, 7) == .systemic, "connection refused")
        #expect(kind(.connection, 6) == .systemic, "DNS")
        #expect(kind(.connection, 5) == .systemic, "proxy DNS")
        #expect(kind(.connection, 56) == .retriable, "a reset while sending")
        #expect(kind(.responseTooLarge, nil) == .permanent)
        #expect(kind(.tls, 60) == .systemic)
        #expect(kind(.invalidURL, nil) == .systemic)
        #expect(kind(.insecureURL, nil) == .systemic)
        #expect(HTTPClientError(code: .stalled, url: "http://m/p?key=secret", reason: "a\nb").description == "http://m/p: a b")
        #expect(HTTPClientError.Code.responseTooLarge.description == "response_too_large")
    }

    @Test func plainHTTPOnlyToLoopback() async throws {
        for url in ["http://127.0.0.1:1/", "http://localhost/", "http://[::1]/", "https://example.com/"] {
            #expect(throws: Never.self) { try HTTPClient.checkURL(url, allowsPlainHTTPToAnyHost: false) }
        }
        let error = await #expect(throws: HTTPClientError.self) {
            try await HTTPClient().send(HTTPRequest(.get, "http://example.com/v1/models"))
        }
        #expect(error?.code == .insecureURL)
        #expect(throws: Never.self) { try HTTPClient.checkURL("http://tf-serving:8501/", allowsPlainHTTPToAnyHost: true) }
        #expect(throws: HTTPClientError.self) { try HTTPClient.checkURL("ftp://example.com/", allowsPlainHTTPToAnyHost: true) }
        #expect(throws: HTTPClientError.self) { try HTTPClient.checkURL("not a url", allowsPlainHTTPToAnyHost: false) }
    }

    @Test func refusesACertificateItCannotVerify() async throws {
        let server = try SelfSignedTLSServer()
        defer { server.stop() }
        let error = await #expect(throws: HTTPClientError.self) {
            try await HTTPClient().send(HTTPRequest(.get, "https://localhost:\(server.port)/"), retry: RetryPolicy.none)
        }
        #expect(error?.code == .tls)
    }
}

/// `openssl s_server` with a freshly made self-signed certificate: a real TLS peer that no CA vouches for.
final class SelfSignedTLSServer {
    let port: UInt16
    private let process = Process()
    private let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let make = Process()
        make.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        make.arguments = [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
            "-keyout", directory.appendingPathComponent("key.pem").path,
            "-out", directory.appendingPathComponent("cert.pem").path,
        ]
        make.standardError = FileHandle.nullDevice
        make.standardOutput = FileHandle.nullDevice
        try make.run()
        make.waitUntilExit()
        port = unusedLoopbackPort()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = [
            "s_server", "-quiet", "-www", "-accept", "\(port)",
            "-cert", directory.appendingPathComponent("cert.pem").path,
            "-key", directory.appendingPathComponent("key.pem").path,
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let port = port
        _ = eventually(timeout: 10) { canConnect(port: port) }
    }

    func stop() {
        // SIGKILL: the test runner's children can inherit an ignored SIGTERM, which openssl would never see.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }
}

private func canConnect(port: UInt16) -> Bool {
    let handle = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(handle) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = port.bigEndian
    return withUnsafePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(handle, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
        }
    }
}
