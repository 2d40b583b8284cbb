import Foundation
import HTTP

/// gcloud's application-default credentials (`gcloud auth application-default login`): an authorized user's
/// refresh token, exchanged for access tokens.
public struct GoogleAuthorizedUserCredential: GoogleCredential {
    public let clientID: String
    public let projectID: String?
    public let tokenURI: String
    public let source: String
    private let clientSecret: String
    private let refreshToken: String

    public init(json: Data, source: String) throws {
        guard let object = try? JSONSerialization.jsonObject(with: json) as? [String: Any] else {
            throw GoogleError(.credentials, "\(source): not a JSON credentials file")
        }
        func field(_ name: String) throws -> String {
            guard let value = object[name] as? String, !value.isEmpty else {
                throw GoogleError(.credentials, "\(source): authorized-user credentials have no \"\(name)\"")
            }
            return value
        }
        clientID = try field("client_id")
        clientSecret = try field("client_secret")
        refreshToken = try field("refresh_token")
        // gcloud does not write token_uri; google-auth honours it when present, and so do we.
        tokenURI = (object["token_uri"] as? String) ?? "https://oauth2.googleapis.com/token"
        projectID = object["quota_project_id"] as? String
        self.source = source
    }

    public var description: String { "gcloud application-default credentials (authorized user) from \(source)" }

    public func fetchToken(using http: HTTPClient) async throws -> GoogleAccessToken {
        let body = formEncoded([
            ("grant_type", "refresh_token"), ("client_id", clientID), ("client_secret", clientSecret),
            ("refresh_token", refreshToken),
        ])
        let request = HTTPRequest(
            .post, tokenURI, headers: [HTTPHeader("Content-Type", "application/x-www-form-urlencoded")], body: body)
        return try await requestToken(request, using: http, credential: self)
    }
}
