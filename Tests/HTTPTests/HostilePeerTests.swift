import Failure
import Foundation
import HTTP
import TestSupport
import Testing

/// The client against peers that misbehave: every call ends with a clear error within its timeout, and memory
/// stays within the call's body limit.
@Suite(.timeLimit(.minutes(2)))
struct HostilePeerTests {
    func withHostile(_ behaviour: HostileHTTPServer.Behaviour, _ body: (HostileHTTPServer) async throws -> Void)
        async throws
    {
        let server = try HostileHTTPServer(behaviour)
        defer { server.stop() }
        try await body(server)
    }

    func client(stall: Duration = .seconds(10), timeout: Duration = .seconds(30), attempts: Int = 1) -> HTTPClient {
        var configuration = HTTPClientConfiguration()
        configuration.stallTimeout = stall
        configuration.timeout = timeout
        configuration.retry = RetryPolicy(maxAttempts: attempts, initialBackoff: .milliseconds(10), maxBackoff: .seconds(1))
        return HTTPClient(configuration: configuration)
    }

    @Test(arguments: ["inf", "1e300", "-1", "nan", "garbage", "99999999999999999999999", "Wed, 99 Foo 2015 07:28:00 GMT"])
    func anyRetryAfterWaitsAtMostThePolicyMaximum(value: String) async throws {
        try await withHostile(.respond(status: 503, headers: [("Retry-After", value)], body: "busy")) { server in
            // An uncapped `Retry-After` would outlast the suite's time limit; capped, the one wait is at most
            // maxBackoff (1 s). `RetryAfterParsingTests` pins the values themselves.
            let response = try await client(attempts: 2).send(HTTPRequest(.get, server.baseURL))
            #expect(response.status == 503)
            #expect(server.requestCount == 2)
        }
    }

    @Test(arguments: [true, false])
    func aGigabyteBodyEndsAtTheCallsLimit(declaringLength: Bool) async throws {
        try await withHostile(.hugeBody(bytes: 1 << 30, declaringLength: declaringLength)) { server in
            let error = try await #require(throws: HTTPClientError.self) {
                try await client().send(HTTPRequest(.get, server.baseURL, maxResponseBytes: 1 << 20))
            }
            #expect(error.code == .responseTooLarge)
            #expect(error.description == "\(server.baseURL): the response body is larger than this call's limit of 1048576 bytes")
        }
    }

    @Test func aBodyThatNeverEndsHitsTheDefaultLimit() async throws {
        try await withHostile(.endlessBody) { server in
            let error = try await #require(throws: HTTPClientError.self) {
                try await client().send(HTTPRequest(.get, server.baseURL))
            }
            #expect(error.code == .responseTooLarge)
            #expect(error.reason.contains("limit of \(HTTPClientConfiguration().maxResponseBytes) bytes"))
        }
    }

    @Test func aServerThatStallsAfterItsHeadersEndsTheCallLikeATimeout() async throws {
        try await withHostile(.stallAfterHeaders) { server in
            // The timeout is beyond the suite's time limit: only the stall rule can end these calls in time.
            let error = try await #require(throws: HTTPClientError.self) {
                try await client(stall: .seconds(1), timeout: .seconds(600), attempts: 2).send(HTTPRequest(.get, server.baseURL))
            }
            #expect(error.code == .stalled && error.failureKind == .retriable)
            #expect(error.reason.hasPrefix("the server sent its headers and then nothing for 1.0 seconds"), "\(error)")
            #expect(server.requestCount == 2, "retried, like a timeout")
        }
    }

    @Test func aStallShorterThanTheTimeoutEndsAsAStallAtTheTimeout() async throws {
        try await withHostile(.stallAfterHeaders) { server in
            let error = try await #require(throws: HTTPClientError.self) {
                try await client(stall: .seconds(30), timeout: .seconds(1)).send(HTTPRequest(.get, server.baseURL))
            }
            #expect(error.code == .stalled)
            #expect(error.reason == "the server sent its headers but not the whole body within the 1.0 seconds timeout")
        }
    }

    @Test func cancellingACallEndsTheTransferAtOnce() async throws {
        try await withHostile(.stallAfterHeaders) { server in
            // Stall rule and timeout are beyond the suite's time limit: only the cancellation can end this call.
            let client = client(stall: .seconds(600), timeout: .seconds(600))
            let call = Task { try await client.send(HTTPRequest(.get, server.baseURL)) }
            try await Task.sleep(for: .milliseconds(300))
            call.cancel()
            await #expect(throws: CancellationError.self) { try await call.value }
        }
    }

    @Test func aCallCancelledBeforeItStartsEndsAtOnce() async throws {
        try await withHostile(.stallAfterHeaders) { server in
            let client = client()
            let call = Task {
                withUnsafeCurrentTask { $0?.cancel() }
                return try await client.sendOnce(HTTPRequest(.get, server.baseURL))
            }
            await #expect(throws: CancellationError.self) { try await call.value }
        }
    }
}

struct RetryAfterParsingTests {
    let policy = RetryPolicy(maxAttempts: 5, initialBackoff: .milliseconds(100), maxBackoff: .seconds(20))

    @Test(arguments: ["inf", "Infinity", "1e300", "9999999999999999999", "3155760000.5"])
    func hugeValuesClampToThePolicyMaximum(value: String) throws {
        let parsed = try #require(RetryPolicy.parseRetryAfter(value))
        #expect(policy.delay(afterAttempt: 1, retryAfter: parsed, jitter: 1) == .seconds(20))
    }

    @Test(arguments: ["-1", "-inf", "nan", "", "soon", "1e", "0x", "Wed, 21 Oct 2015 25:61:00 GMT"])
    func nonsenseFallsBackToTheBackoff(value: String) {
        #expect(RetryPolicy.parseRetryAfter(value) == nil)
    }

    /// Found by `make fuzz` (retry-after): Foundation's DateFormatter trapped on this header, so a peer could end
    /// any of the tools with one response.
    @Test func nonASCIIInADateIsNotADate() {
        let bytes: [UInt8] = Array("Wed, 21".utf8) + [0xDF, 0xB0, 0x9C, 0x8B] + Array(" 5031 07:28:00 GMT".utf8)
        #expect(RetryPolicy.parseRetryAfter(String(decoding: bytes, as: UTF8.self)) == nil)
    }

    @Test func responseHeaderLinesSplitAtTheFirstColon() {
        #expect(HTTPHeader(responseLine: "Retry-After:  120 ") == HTTPHeader("Retry-After", "120"))
        #expect(HTTPHeader(responseLine: "X-Trace: a:b") == HTTPHeader("X-Trace", "a:b"))
        #expect(HTTPHeader(responseLine: ":") == HTTPHeader("", ""))
        #expect(HTTPHeader(responseLine: "no colon here") == nil)
    }

    @Test func httpDatesAreReadExactly() {
        let now = Date(timeIntervalSince1970: 0)
        #expect(RetryPolicy.parseRetryAfter("Thu, 01 Jan 1970 00:01:40 GMT", now: now) == .seconds(100))
        #expect(RetryPolicy.parseRetryAfter("Tue, 29 Feb 2000 12:00:00 GMT", now: now) == .seconds(951_825_600))
        #expect(RetryPolicy.parseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", now: now) == .seconds(784_111_777))
        #expect(RetryPolicy.parseRetryAfter("Sunday, 06-Nov-94 08:49:37 GMT", now: now) == nil, "obsolete form: backoff")
    }

    @Test func aDateFarAheadIsClampedToo() throws {
        let now = Date(timeIntervalSince1970: 0)
        let parsed = try #require(RetryPolicy.parseRetryAfter("Fri, 31 Dec 9999 23:59:59 GMT", now: now))
        #expect(policy.delay(afterAttempt: 1, retryAfter: parsed, jitter: 1) == .seconds(20))
    }
}
