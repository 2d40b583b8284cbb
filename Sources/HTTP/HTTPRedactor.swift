import Foundation

/// Removes secrets from anything about to be logged or shown: credential headers, bearer tokens, JSON fields
/// that hold keys or tokens, and any value registered as secret (an API secret, a fetched token).
public struct HTTPRedactor: Sendable {
    public static let mask = "[redacted]"

    /// Headers whose values are always credentials.
    public static let secretHeaders: Set<String> = [
        "authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "x-goog-api-key",
    ]

    /// JSON fields whose values are always credentials.
    public static let secretFields = [
        "access_token", "refresh_token", "id_token", "private_key", "client_secret", "assertion", "api_secret",
        "password", "secret",
    ]

    public private(set) var secrets: [String]

    public init(secrets: [String] = []) {
        self.secrets = secrets.filter { $0.count >= 4 }
    }

    /// Registers a value to mask wherever it appears. Very short values are ignored: masking them would
    /// garble ordinary text and they are no secret anyway.
    public mutating func addSecret(_ secret: String) {
        if secret.count >= 4, !secrets.contains(secret) { secrets.append(secret) }
    }

    public func redact(_ headers: [HTTPHeader]) -> [HTTPHeader] {
        headers.map { header in
            Self.secretHeaders.contains(header.name.lowercased())
                ? HTTPHeader(header.name, Self.maskKeepingScheme(header.value)) : HTTPHeader(header.name, redact(header.value))
        }
    }

    public func redact(_ text: String) -> String {
        var result = text
        for secret in secrets {
            result = result.replacingOccurrences(of: secret, with: Self.mask)
        }
        for field in Self.secretFields {
            result = Self.maskJSONStringField(field, in: result)
        }
        return Self.maskBearerTokens(in: result)
    }

    /// "Bearer abc" becomes "Bearer [redacted]", so a reader still sees which scheme was used.
    private static func maskKeepingScheme(_ value: String) -> String {
        guard let space = value.firstIndex(of: " ") else { return mask }
        return "\(value[..<space]) \(mask)"
    }

    private static func maskBearerTokens(in text: String) -> String {
        var result = ""
        var rest = Substring(text)
        while let range = rest.range(of: "Bearer ", options: .caseInsensitive) {
            result += rest[..<range.upperBound]
            rest = rest[range.upperBound...]
            let tokenEnd = rest.firstIndex { " \"',\n".contains($0) } ?? rest.endIndex
            if tokenEnd > rest.startIndex {
                result += mask
                rest = rest[tokenEnd...]
            }
        }
        return result + rest
    }

    private static func maskJSONStringField(_ field: String, in text: String) -> String {
        var result = ""
        var rest = Substring(text)
        let key = "\"\(field)\""
        while let keyRange = rest.range(of: key) {
            result += rest[..<keyRange.upperBound]
            rest = rest[keyRange.upperBound...]
            // Skip `: "`, then mask up to the closing quote, honouring escapes.
            guard let colon = rest.firstIndex(where: { !$0.isWhitespace }), rest[colon] == ":",
                let quote = rest[rest.index(after: colon)...].firstIndex(where: { !$0.isWhitespace }),
                rest[quote] == "\""
            else { continue }
            result += rest[...quote]
            var index = rest.index(after: quote)
            var escaped = false
            while index < rest.endIndex, escaped || rest[index] != "\"" {
                escaped = !escaped && rest[index] == "\\"
                index = rest.index(after: index)
            }
            result += mask
            rest = rest[index...]
        }
        return result + rest
    }
}
