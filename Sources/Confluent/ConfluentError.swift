import Failure
import Foundation
import HTTP

/// A Confluent Cloud API call that failed: what was being done, the HTTP status, and Confluent's own error code
/// and reason. Kafka REST answers `{"error_code": 40002, "message": "..."}`; the Cloud APIs (`cmk/v2`) answer
/// `{"errors": [{"code": "...", "detail": "..."}]}`; both are read.
public struct ConfluentError: PipelineError {
    /// Confluent's own code where the answer has one, else what went wrong on this side.
    public enum Code: Hashable, Sendable, CustomStringConvertible {
        /// Kafka REST's numeric `error_code`, such as 40002 or 50003; printed as the number.
        case kafkaREST(Int)
        /// A non-2xx answer without a Kafka REST code; printed as `http_<status>`.
        case httpStatus(Int)
        /// No answer at all: the client gave up (after its retries) on DNS, connecting, TLS or a timeout.
        case unreachable
        /// An answer that is not the shape the API documents, or lacks what it must hold.
        case unexpectedResponse
        /// Waited for Confluent to finish (a cluster, a topic, a new key) for longer than allowed.
        case timedOut
        /// Confluent reports the cluster's `status.phase` as FAILED.
        case clusterFailed
        /// A local file (the secrets env file) could not be written.
        case fileNotWritten

        /// Kafka REST's code for "already exists" and for other invalid requests about a topic's existing state.
        public static let topicAlreadyExists = Code.kafkaREST(40002)
        public static let authenticationFailed = Code.kafkaREST(40101)
        public static let notAuthorized = Code.kafkaREST(40301)

        public var description: String {
            switch self {
            case .kafkaREST(let code): "\(code)"
            case .httpStatus(let status): "http_\(status)"
            case .unreachable: "unreachable"
            case .unexpectedResponse: "unexpected_response"
            case .timedOut: "timed_out"
            case .clusterFailed: "cluster_failed"
            case .fileNotWritten: "file_not_written"
            }
        }
    }

    public let code: Code
    /// What was being done, such as "create topic images".
    public let operation: String
    /// Nil when no response came at all (see `reason`).
    public let status: Int?
    public let reason: String
    /// The key the request was signed with, named in 401 and 403 errors.
    public let apiKey: String?

    public init(code: Code, operation: String, status: Int? = nil, reason: String, apiKey: String? = nil) {
        self.code = code
        self.operation = operation
        self.status = status
        self.reason = reason
        self.apiKey = apiKey
    }

    /// Reads Confluent's error body; the body's first line stands in when it is not JSON (a proxy's HTML page).
    public init(operation: String, response: HTTPResponse, apiKey: String?, redactor: HTTPRedactor) {
        struct KafkaRestBody: Decodable {
            let error_code: Int
            let message: String?
        }
        struct CloudBody: Decodable {
            struct Item: Decodable {
                let code: String?
                let title: String?
                let detail: String?
            }
            let errors: [Item]
        }
        var code = Code.httpStatus(response.status)
        var reason: String
        if let body = try? response.decode(KafkaRestBody.self) {
            code = .kafkaREST(body.error_code)
            reason = body.message ?? ""
        } else if let body = try? response.decode(CloudBody.self), let first = body.errors.first {
            reason = [first.code, first.detail ?? first.title].compactMap { $0 }.joined(separator: ": ")
        } else {
            let firstLine = response.bodyText.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
            reason = String(firstLine.prefix(200))
        }
        if reason.isEmpty { reason = "no explanation in the response" }
        self.init(
            code: code, operation: operation, status: response.status, reason: redactor.redact(reason), apiKey: apiKey)
    }

    public var isAuthenticationFailure: Bool { status == 401 || code == .authenticationFailed }
    public var isAuthorizationFailure: Bool { status == 403 || code == .notAuthorized }

    /// An answer's status decides, by the one HTTP rule (Kafka REST's 50003 comes with a 5xx); without one, the
    /// code does.
    public var failureKind: FailureKind {
        switch code {
        case .kafkaREST, .httpStatus: status.map(FailureKind.init(httpStatus:)) ?? .systemic
        // The client's own retries are spent by the time it gives up: nothing here is one request's fault.
        case .unreachable, .unexpectedResponse, .fileNotWritten: .systemic
        // The work carries on at Confluent: asking again later may find it done.
        case .timedOut: .retriable
        // The same request would fail the same way; it needs a different region, type or a destroy first.
        case .clusterFailed: .permanent
        }
    }

    public var description: String {
        var parts = ["\(operation) failed"]
        switch (status, code) {
        case (let status?, .kafkaREST(let code)): parts.append("(HTTP \(status), error \(code))")
        case (let status?, _): parts.append("(HTTP \(status))")
        default: break
        }
        var text = parts.joined(separator: " ") + ": " + reason
        if let apiKey, isAuthenticationFailure {
            text += " [API key \(apiKey) was rejected: check the key, its secret, and that the key is meant for this cluster or API]"
        } else if let apiKey, isAuthorizationFailure {
            text += " [API key \(apiKey) lacks permission: grant its account a role or ACL that allows this]"
        }
        return text
    }
}
