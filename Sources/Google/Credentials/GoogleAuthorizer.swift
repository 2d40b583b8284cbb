import Foundation
import HTTP

/// Hands out access tokens from one credential, fetching a new one only shortly before the cached one expires.
public actor GoogleAuthorizer {
    public nonisolated let credential: any GoogleCredential
    private let http: HTTPClient
    /// How long before expiry a token is replaced, so a request never leaves with a token about to lapse.
    private let refreshMargin: TimeInterval
    private var cached: GoogleAccessToken?
    private var inFlight: Task<GoogleAccessToken, any Error>?

    public init(credential: any GoogleCredential, http: HTTPClient, refreshMargin: TimeInterval = 300) {
        self.credential = credential
        self.http = http
        self.refreshMargin = refreshMargin
    }

    /// A token valid for at least `refreshMargin` more seconds. Concurrent callers share one fetch.
    public func token(now: Date = Date()) async throws -> GoogleAccessToken {
        if let cached, cached.expiresAt.timeIntervalSince(now) > refreshMargin {
            return cached
        }
        if let inFlight {
            return try await inFlight.value
        }
        let fetch = Task { [credential, http] in try await credential.fetchToken(using: http) }
        inFlight = fetch
        defer { inFlight = nil }
        let token = try await fetch.value
        cached = token
        return token
    }

    /// Forgets `token` after an API refused it (401): a revoked or rotated credential then gets a fresh token on
    /// the next call instead of failing until the cached one expires. A newer token already fetched is kept.
    public func drop(_ token: GoogleAccessToken) {
        if cached?.value == token.value { cached = nil }
    }
}
