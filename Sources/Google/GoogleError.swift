import Foundation
import HTTP

/// Everything that goes wrong talking to Google, as one sentence a user can act on. The text never holds a
/// token or a key: callers build it from names, statuses and Google's own error messages.
public struct GoogleError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
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
        case invalidInput
        /// The API answered with something this client cannot read.
        case unexpectedResponse
    }

    public let kind: Kind
    public let message: String
    /// The HTTP status, when an API answered.
    public let status: Int?

    public init(_ kind: Kind, _ message: String, status: Int? = nil) {
        self.kind = kind
        self.message = message
        self.status = status
    }

    public var description: String { message }
}

/// Google's JSON error body: `{"error": {"code": 403, "message": "...", "status": "PERMISSION_DENIED"}}`.
public struct GoogleErrorBody: Codable, Sendable, Equatable {
    public struct Details: Codable, Sendable, Equatable {
        public var code: Int?
        public var message: String?
        public var status: String?
    }

    public var error: Details?

    /// `STATUS: message` from an error response, or the start of the body when it is not Google's format.
    public static func summary(of response: HTTPResponse) -> String {
        if let details = (try? response.decode(GoogleErrorBody.self))?.error, let message = details.message {
            return [details.status, message].compactMap { $0 }.joined(separator: ": ")
        }
        let text = response.bodyText.trimmingCharacters(in: .whitespacesAndNewlines)
        let firstLine = text.split(separator: "\n").first.map(String.init) ?? ""
        return firstLine.isEmpty ? "empty response" : String(firstLine.prefix(200))
    }
}
