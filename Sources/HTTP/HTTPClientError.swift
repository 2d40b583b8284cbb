import Failure

/// A request that got no HTTP response: bad URL, refused connection, TLS failure, timeout.
/// A response with an error status is not an `HTTPClientError`: it comes back as an `HTTPResponse`, and
/// `FailureKind(httpStatus:)` says what its status means.
public struct HTTPClientError: PipelineError, Equatable {
    public enum Code: String, Sendable, Hashable, CustomStringConvertible {
        case invalidURL = "invalid_url"
        /// Plain `http://` to a host that is not loopback.
        case insecureURL = "insecure_url"
        case timeout
        /// libcurl could not resolve, connect, send or receive; `curlCode` says which.
        case connection
        case tls
        /// The response body was larger than the call's limit (`maxResponseBytes`), or its headers than 256 KiB.
        case responseTooLarge = "response_too_large"
        /// The server sent its headers and then stopped sending, or did not finish the body within the timeout.
        case stalled
        /// This client cannot make requests at all: it was shut down, or libcurl could not set up a transfer.
        case unusable
        case other

        public var description: String { rawValue }
    }

    public let code: Code
    /// The URL without its query string, which may carry a key.
    public let url: String
    public let reason: String
    /// libcurl's `CURLcode`, when libcurl reported the failure.
    public let curlCode: Int32?

    public init(code: Code, url: String, reason: String, curlCode: Int32? = nil) {
        self.code = code
        self.url = url.split(separator: "?", maxSplits: 1).first.map(String.init) ?? url
        self.reason = reason.onOneLine
        self.curlCode = curlCode
    }

    /// The transport rule every caller shares: the HTTP client's own retries, and the stream app's policy through
    /// `ModelServingError.classifying(transport:)`.
    public var failureKind: FailureKind {
        switch code {
        case .timeout, .stalled, .other:
            // A stalled answer is the server's trouble, worth waiting out like a timeout.
            .retriable
        case .responseTooLarge:
            // The same request gets the same answer; for a batch, splitting it isolates the image at fault.
            .permanent
        case .connection:
            // libcurl: 5/6 cannot resolve (proxy, host), 7 cannot connect: nothing reached a server. Anything later
            // (a reset, an empty reply) happened while this request was being sent.
            [5, 6, 7].contains(curlCode ?? 7) ? .systemic : .retriable
        case .tls, .invalidURL, .insecureURL, .unusable:
            .systemic
        }
    }

    public var description: String { "\(url): \(reason)" }
}
