import Foundation
import HTTP

/// One way of getting Google access tokens. `description` says which one, in words a user recognises when an
/// API refuses the token ("service account x@y from key file /path"); it never holds the secret itself.
public protocol GoogleCredential: Sendable, CustomStringConvertible {
    /// The project the credential belongs to, when it names one (a key file's `project_id`).
    var projectID: String? { get }
    /// Fetches a new token; `GoogleAuthorizer` caches it.
    func fetchToken(using http: HTTPClient) async throws -> GoogleAccessToken
}

/// The scope every call here needs: Vertex AI and ML Engine accept nothing narrower.
public let googleCloudPlatformScope = "https://www.googleapis.com/auth/cloud-platform"

/// Reads a token endpoint's answer: `{"access_token": ..., "expires_in": 3599, "token_type": "Bearer"}`.
struct GoogleTokenResponse: Decodable {
    let accessToken: String
    let expiresIn: Double?

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token"
        case expiresIn = "expires_in"
    }

    /// Decodes a 2xx answer, or explains the refusal with the endpoint's own `error_description`.
    static func token(from response: HTTPResponse, credential: some GoogleCredential, now: Date = Date()) throws
        -> GoogleAccessToken
    {
        guard response.isSuccess else {
            let reason = (try? response.decode(OAuthErrorBody.self)).map { body in
                [body.error, body.errorDescription].compactMap { $0 }.joined(separator: ": ")
            } ?? GoogleErrorBody.summary(of: response)
            throw GoogleError(
                .credentials, "\(credential) was refused a token (HTTP \(response.status)): \(reason)",
                status: response.status)
        }
        guard let decoded = try? response.decode(GoogleTokenResponse.self), !decoded.accessToken.isEmpty else {
            throw GoogleError(.credentials, "\(credential): the token endpoint's answer has no access_token")
        }
        return GoogleAccessToken(
            value: decoded.accessToken, expiresAt: now.addingTimeInterval(decoded.expiresIn ?? 3600))
    }
}

/// OAuth's error body (RFC 6749 §5.2).
private struct OAuthErrorBody: Decodable {
    let error: String?
    let errorDescription: String?

    enum CodingKeys: String, CodingKey {
        case error
        case errorDescription = "error_description"
    }
}

/// `application/x-www-form-urlencoded`, as OAuth token endpoints require.
func formEncoded(_ fields: [(String, String)]) -> Data {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    let pairs = fields.map { name, value in
        "\(name)=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value)"
    }
    return Data(pairs.joined(separator: "&").utf8)
}

/// Sends a token request once per attempt policy of the client, turning "no answer at all" into a credentials
/// error that names the endpoint.
func requestToken(
    _ request: HTTPRequest, using http: HTTPClient, credential: some GoogleCredential
) async throws -> GoogleAccessToken {
    let response: HTTPResponse
    do {
        response = try await http.send(request)
    } catch let error as HTTPClientError {
        throw GoogleError(.unreachable, "\(credential): token endpoint unreachable: \(error)")
    }
    return try GoogleTokenResponse.token(from: response, credential: credential)
}
