import Foundation
import HTTP
import PipelineConfig

/// An API key and its secret, sent as HTTP Basic auth. Only the key id is ever shown: Confluent treats it as a
/// user name, not a secret, and naming it is what lets a reader tell which key a 401 or 403 was about.
public struct ConfluentCredentials: Sendable, CustomStringConvertible {
    public let apiKey: String
    private let apiSecret: String

    public init(apiKey: String, apiSecret: String) {
        self.apiKey = apiKey
        self.apiSecret = apiSecret
    }

    var authorizationHeader: HTTPHeader {
        HTTPHeader("Authorization", "Basic " + Data("\(apiKey):\(apiSecret)".utf8).base64EncodedString())
    }

    /// A redactor that masks the secret (and the encoded header, should it ever be printed raw).
    public func redacting(_ redactor: HTTPRedactor = HTTPRedactor()) -> HTTPRedactor {
        var redactor = redactor
        redactor.addSecret(apiSecret)
        redactor.addSecret(String(authorizationHeader.value.dropFirst("Basic ".count)))
        return redactor
    }

    public var description: String { "API key \(apiKey)" }
}

extension ConfluentCredentials {
    /// The key and secret from two environment variables: both, or neither (nil); one alone is a mistake worth
    /// naming.
    public static func fromEnvironment(
        _ keyVariable: String, _ secretVariable: String, _ variables: [String: String], purpose: String
    ) throws(ConfluentInputError) -> ConfluentCredentials? {
        do {
            let pair = try CredentialPair.check(
                key: variables[keyVariable] ?? "", secret: variables[secretVariable] ?? "", keyVariable: keyVariable,
                secretVariable: secretVariable, purpose: purpose)
            return pair.map { ConfluentCredentials(apiKey: $0.key, apiSecret: $0.secret) }
        } catch {
            throw ConfluentInputError(error.reason, code: .unpairedCredentials)
        }
    }
}
