import Foundation
import HTTP

/// A Confluent Cloud API call that failed: what was being done, the HTTP status, and Confluent's own error code
/// and message. Kafka REST answers `{"error_code": 40002, "message": "..."}`; the Cloud APIs (`cmk/v2`) answer
/// `{"errors": [{"code": "...", "detail": "..."}]}`; both are read.
public struct ConfluentError: Error, CustomStringConvertible, Sendable {
    /// What was being done, such as "create topic images".
    public let operation: String
    /// Nil when no response came at all (see `reason`).
    public let status: Int?
    /// Kafka REST's numeric `error_code`, such as 40002 or 50003.
    public let errorCode: Int?
    public let message: String
    /// The key the request was signed with, named in 401 and 403 errors.
    public let apiKey: String?

    public init(operation: String, status: Int?, errorCode: Int?, message: String, apiKey: String? = nil) {
        self.operation = operation
        self.status = status
        self.errorCode = errorCode
        self.message = message
        self.apiKey = apiKey
    }

    /// Kafka REST's code for "already exists" and for other invalid requests about a topic's existing state.
    public static let topicAlreadyExists = 40002
    public static let authenticationFailed = 40101
    public static let notAuthorized = 40301

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
        var errorCode: Int?
        var message: String
        if let body = try? response.decode(KafkaRestBody.self) {
            errorCode = body.error_code
            message = body.message ?? ""
        } else if let body = try? response.decode(CloudBody.self), let first = body.errors.first {
            message = [first.code, first.detail ?? first.title].compactMap { $0 }.joined(separator: ": ")
        } else {
            let firstLine = response.bodyText.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
            message = String(firstLine.prefix(200))
        }
        if message.isEmpty { message = "no explanation in the response" }
        self.init(
            operation: operation, status: response.status, errorCode: errorCode,
            message: redactor.redact(message), apiKey: apiKey)
    }

    public var isAuthenticationFailure: Bool { status == 401 || errorCode == Self.authenticationFailed }
    public var isAuthorizationFailure: Bool { status == 403 || errorCode == Self.notAuthorized }

    public var description: String {
        var parts = ["\(operation) failed"]
        switch (status, errorCode) {
        case (let status?, let code?): parts.append("(HTTP \(status), error \(code))")
        case (let status?, nil): parts.append("(HTTP \(status))")
        default: break
        }
        var text = parts.joined(separator: " ") + ": " + message
        if let apiKey, isAuthenticationFailure {
            text += " [API key \(apiKey) was rejected: check the key, its secret, and that the key is meant for this cluster or API]"
        } else if let apiKey, isAuthorizationFailure {
            text += " [API key \(apiKey) lacks permission: grant its account a role or ACL that allows this]"
        }
        return text
    }
}
