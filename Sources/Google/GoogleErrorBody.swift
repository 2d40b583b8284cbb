import Foundation
import HTTP

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
