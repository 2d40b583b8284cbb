import Failure
import Google
import HTTP

/// Why a prediction or a status check failed, and what failing again would mean for the stream app.
///
/// `failureKind` is all its policy reads, with these meanings for an image:
/// - `.retriable`: this image, now: the server is overloaded or slow (408, 425, 429, 5xx, a timeout). Try again a
///   bounded number of times; if other images go through meanwhile, the image itself is the problem.
/// - `.permanent`: this image, for good: the server refused it (400, 413, 422, not a JPEG, an answer we cannot read).
///   Dead-letter it.
/// - `.systemic`: every image: credentials refused (401, 403), the model not found (404), the server unreachable
///   (connection refused, DNS, TLS). Never the image's fault: pause and wait for the cause to go.
public struct ModelServingError: PipelineError, Equatable {
    public enum Code: Sendable, Hashable, CustomStringConvertible {
        /// The server answered with this non-2xx status.
        case status(Int)
        /// No answer: the HTTP client's code for why.
        case transport(HTTPClientError.Code)
        /// No answer within the call's deadline, token fetch included.
        case deadlineExceeded
        /// An answer this client cannot read: not JSON, no row per image, no labels and scores.
        case unreadableAnswer
        /// The server answers but serves no usable model: no version AVAILABLE, nothing deployed.
        case notReady
        /// The model's address or the request built for it is unusable as configured.
        case invalidRequest
        /// Google's credentials or admin API failed; `GoogleError.Code` says how.
        case google(GoogleError.Code)
        case other

        public var description: String {
            switch self {
            case .status(let status): "http_\(status)"
            case .transport(let code): code.description
            case .deadlineExceeded: "deadline_exceeded"
            case .unreadableAnswer: "unreadable_answer"
            case .notReady: "not_ready"
            case .invalidRequest: "invalid_request"
            case .google(let code): code.description
            case .other: "other"
            }
        }
    }

    public let code: Code
    public let failureKind: FailureKind
    /// The HTTP status, when the server answered.
    public let status: Int?
    /// One line.
    public let reason: String
    /// How long the server asked us to wait (`Retry-After` on a 429 or 503), if it said.
    public let retryAfter: Duration?

    public init(
        _ code: Code, _ failureKind: FailureKind, status: Int? = nil, reason: String, retryAfter: Duration? = nil
    ) {
        self.code = code
        self.failureKind = failureKind
        self.status = status
        self.retryAfter = retryAfter
        self.reason = reason.onOneLine
    }

    public var description: String {
        if let status { return "model answered \(status): \(reason)" }
        return reason
    }
}
