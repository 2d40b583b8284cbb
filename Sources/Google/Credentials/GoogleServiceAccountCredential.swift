import Crypto
import Foundation
import HTTP
import _CryptoExtras

/// A service-account key file (`"type": "service_account"`): signs a JWT with the key (RS256) and exchanges it
/// at the file's `token_uri` for an access token (RFC 7523).
public struct GoogleServiceAccountCredential: GoogleCredential {
    public let clientEmail: String
    public let projectID: String?
    public let tokenURI: String
    public let keyID: String?
    /// Where the key came from, for messages.
    public let source: String
    private let privateKey: _RSA.Signing.PrivateKey

    /// Parses a key file's JSON. Errors name the file and the problem, never the key.
    public init(json: Data, source: String) throws {
        guard let object = try? JSONSerialization.jsonObject(with: json) as? [String: Any] else {
            throw GoogleError(.credentials, "\(source): not a JSON service-account key file")
        }
        guard object["type"] as? String == "service_account" else {
            throw GoogleError(
                .credentials,
                "\(source): \"type\" is \(object["type"].map { "\"\($0)\"" } ?? "missing"), expected \"service_account\"")
        }
        func field(_ name: String) throws -> String {
            guard let value = object[name] as? String, !value.isEmpty else {
                throw GoogleError(.credentials, "\(source): service-account key file has no \"\(name)\"")
            }
            return value
        }
        clientEmail = try field("client_email")
        let pem = try field("private_key")
        tokenURI = (object["token_uri"] as? String) ?? "https://oauth2.googleapis.com/token"
        projectID = object["project_id"] as? String
        keyID = object["private_key_id"] as? String
        self.source = source
        do {
            privateKey = try _RSA.Signing.PrivateKey(pemRepresentation: pem)
        } catch {
            throw GoogleError(.credentials, "\(source): \"private_key\" is not a PEM RSA private key")
        }
    }

    public var description: String { "service account \(clientEmail) from \(source)" }

    /// The signed assertion: header and claims as Google's token endpoint expects them, valid for an hour.
    public func assertion(scope: String = googleCloudPlatformScope, now: Date = Date()) throws -> String {
        var header: [String: String] = ["alg": "RS256", "typ": "JWT"]
        header["kid"] = keyID
        let issuedAt = Int(now.timeIntervalSince1970)
        let claims: [String: any Sendable] = [
            "iss": clientEmail, "scope": scope, "aud": tokenURI, "iat": issuedAt, "exp": issuedAt + 3600,
        ]
        let signingInput = try [header as [String: Any], claims as [String: Any]]
            .map { try JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]).base64URLEncoded() }
            .joined(separator: ".")
        let signature = try privateKey.signature(for: Data(signingInput.utf8), padding: .insecurePKCS1v1_5)
        return signingInput + "." + signature.rawRepresentation.base64URLEncoded()
    }

    public func fetchToken(using http: HTTPClient) async throws -> GoogleAccessToken {
        let body = formEncoded([
            ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"), ("assertion", try assertion()),
        ])
        let request = HTTPRequest(
            .post, tokenURI, headers: [HTTPHeader("Content-Type", "application/x-www-form-urlencoded")], body: body)
        return try await requestToken(request, using: http, credential: self)
    }
}

extension Data {
    /// Base64url without padding (RFC 4648 §5), as JWTs use.
    public func base64URLEncoded() -> String {
        base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Decodes base64url with or without padding.
    public init?(base64URLEncoded text: some StringProtocol) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        self.init(base64Encoded: base64)
    }
}
