import Failure
import Foundation
import Logging

/// An HTTP client over libcurl: TLS verification always on, retries with backoff on what `FailureKind` calls
/// retriable (timeouts, a connection lost mid-request, 408, 425, 429, 5xx; honouring `Retry-After`), and logs with
/// secrets masked.
public final class HTTPClient: Sendable {
    public let configuration: HTTPClientConfiguration
    private let logger: Logger
    private let engine = CurlEngine()

    public init(configuration: HTTPClientConfiguration = HTTPClientConfiguration(), logger: Logger = Logger(label: "http")) {
        self.configuration = configuration
        self.logger = logger
    }

    deinit {
        engine.shutdown()
    }

    /// Sends the request, retrying as the policy says. Returns the last response even when its status is an
    /// error (after retries ran out), so callers can read the server's explanation; throws only when no
    /// response came at all.
    public func send(_ request: HTTPRequest, retry: RetryPolicy? = nil) async throws -> HTTPResponse {
        let policy = retry ?? configuration.retry
        var attempt = 1
        while true {
            let retryAfter: Duration?
            let reason: String
            do {
                let response = try await sendOnce(request)
                guard FailureKind(httpStatus: response.status) == .retriable, attempt < policy.maxAttempts else {
                    return response
                }
                retryAfter = RetryPolicy.parseRetryAfter(response.headers.value(named: "Retry-After"))
                reason = "HTTP \(response.status)"
            } catch let error as HTTPClientError where error.failureKind == .retriable && attempt < policy.maxAttempts {
                retryAfter = nil
                reason = error.reason
            }
            let delay = policy.delay(afterAttempt: attempt, retryAfter: retryAfter, jitter: Double.random(in: 0...1))
            logger.info(
                "retrying \(request.method.rawValue) \(describe(request.url)) after \(reason)",
                metadata: ["attempt": "\(attempt + 1)/\(policy.maxAttempts)", "delay": "\(delay)"])
            try await Task.sleep(for: delay)
            attempt += 1
        }
    }

    /// One attempt, no retries. Cancelling the task ends the transfer at once with `CancellationError`.
    public func sendOnce(_ request: HTTPRequest) async throws -> HTTPResponse {
        try Self.checkURL(request.url, allowsPlainHTTPToAnyHost: configuration.allowsPlainHTTPToAnyHost)
        let transfer = try CurlTransfer(request: request, configuration: configuration)
        logger.debug(
            "\(request.method.rawValue) \(describe(request.url))",
            metadata: ["headers": "\(configuration.redactor.redact(request.headers).map { "\($0.name): \($0.value)" })"])
        let response = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                transfer.continuation = continuation
                engine.submit(transfer)
            }
        } onCancel: {
            engine.cancel(transfer)
        }
        logger.debug("\(request.method.rawValue) \(describe(request.url)) -> \(response.status)")
        return response
    }

    /// The URL as it may be logged: secrets in it (a `key=` query parameter, a token) masked.
    public func describe(_ url: String) -> String {
        configuration.redactor.redact(url)
    }

    /// Accepts `https://` anywhere and `http://` only to loopback, unless the configuration allows more.
    public static func checkURL(_ url: String, allowsPlainHTTPToAnyHost: Bool) throws {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            let host = components.host, !host.isEmpty
        else {
            throw HTTPClientError(code: .invalidURL, url: url, reason: "not a valid http(s) URL")
        }
        switch scheme {
        case "https":
            return
        case "http":
            if allowsPlainHTTPToAnyHost || isLoopback(host) { return }
            throw HTTPClientError(
                code: .insecureURL, url: url,
                reason: "plain http:// is allowed only to loopback addresses; use https:// for \(host)")
        default:
            throw HTTPClientError(code: .invalidURL, url: url, reason: "scheme \(scheme) is not http or https")
        }
    }

    public static func isLoopback(_ host: String) -> Bool {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        if bare == "localhost" || bare == "::1" { return true }
        let octets = bare.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets.allSatisfy { UInt8($0) != nil } && octets[0] == "127"
    }
}
