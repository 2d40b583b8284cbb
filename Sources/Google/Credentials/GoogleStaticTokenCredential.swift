import Foundation
import HTTP

/// An access token given outright (`--access-token`, `GOOGLE_OAUTH_ACCESS_TOKEN`): used as is, never refreshed.
public struct GoogleStaticTokenCredential: GoogleCredential {
    public let source: String
    public let projectID: String? = nil
    private let token: String

    public init(token: String, source: String) {
        self.token = token
        self.source = source
    }

    public var description: String { "the access token from \(source)" }

    public func fetchToken(using http: HTTPClient) async throws -> GoogleAccessToken {
        GoogleAccessToken(value: token, expiresAt: .distantFuture)
    }
}
