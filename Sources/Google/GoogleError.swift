import Failure

/// Everything that goes wrong talking to Google, as one sentence a user can act on. The text never holds a
/// token or a key: callers build it from names, statuses and Google's own error messages.
public struct GoogleError: PipelineError, Equatable {
    public enum Code: String, Sendable, Hashable, CustomStringConvertible {
        /// No usable credential, or one Google refused to exchange for a token.
        case credentials
        /// 401 or 403 from an API.
        case permission
        /// Any other error status from an API.
        case api
        /// A long-running operation finished with an error, or did not finish in time.
        case operation
        /// The API host could not be reached at all.
        case unreachable
        /// A setting is malformed (project, URI, machine type).
        case invalidInput = "invalid_input"
        /// The API answered with something this client cannot read.
        case unexpectedResponse = "unexpected_response"

        public var description: String { rawValue }
    }

    public let code: Code
    public let reason: String
    /// The HTTP status, when an API answered.
    public let status: Int?

    public init(_ code: Code, _ reason: String, status: Int? = nil) {
        self.code = code
        self.reason = reason.onOneLine
        self.status = status
    }

    /// An answer follows the HTTP status rule, except that a refused credential stops every call alike (OAuth answers
    /// 400 `invalid_grant` for a revoked key). Without an answer: a malformed setting is permanent, an unreadable
    /// answer worth another try, anything else (no credential, an unreachable host, a failed operation) systemic.
    public var isBadInput: Bool { code == .invalidInput }

    public var failureKind: FailureKind {
        if let status {
            let kind = FailureKind(httpStatus: status)
            return code == .credentials && kind == .permanent ? .systemic : kind
        }
        return switch code {
        case .invalidInput: .permanent
        case .unexpectedResponse: .retriable
        case .credentials, .permission, .api, .operation, .unreachable: .systemic
        }
    }

    public var description: String { reason }
}
