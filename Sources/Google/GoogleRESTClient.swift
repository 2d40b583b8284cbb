import Foundation
import HTTP

/// Sends `GoogleRESTCall`s with an OAuth token from the authorizer, and turns errors into sentences that name
/// the credential (for 401 and 403), Google's own error status and message, or the unreachable host.
public final class GoogleRESTClient: Sendable {
    public let http: HTTPClient
    public let authorizer: GoogleAuthorizer

    public init(http: HTTPClient, authorizer: GoogleAuthorizer) {
        self.http = http
        self.authorizer = authorizer
    }

    /// Sends the call (retrying 429 and 5xx as `retry`, by default the HTTP client's policy, says) and returns
    /// any response.
    public func send(_ call: GoogleRESTCall, retry: RetryPolicy? = nil) async throws -> HTTPResponse {
        let token = try await authorizer.token()
        var headers = [HTTPHeader("Authorization", "Bearer \(token.value)"), HTTPHeader("Accept", "application/json")]
        if call.body != nil, call.headers.value(named: "Content-Type") == nil {
            headers.append(HTTPHeader("Content-Type", "application/json"))
        }
        headers += call.headers
        do {
            return try await http.send(HTTPRequest(call.method, call.url, headers: headers, body: call.body), retry: retry)
        } catch let error as HTTPClientError {
            throw GoogleError(.unreachable, "cannot reach the API: \(error)")
        }
    }

    /// Sends the call and decodes a 2xx answer; any other status throws.
    public func json<Value: Decodable>(_ call: GoogleRESTCall, as type: Value.Type = Value.self) async throws -> Value {
        let response = try await send(call)
        guard response.isSuccess else { throw failure(call, response) }
        return try decode(response, call: call)
    }

    /// Like `json`, but a 404 means "does not exist" and returns nil.
    public func ifExists<Value: Decodable>(_ call: GoogleRESTCall, as type: Value.Type = Value.self) async throws
        -> Value?
    {
        let response = try await send(call)
        if response.status == 404 { return nil }
        guard response.isSuccess else { throw failure(call, response) }
        return try decode(response, call: call)
    }

    private func decode<Value: Decodable>(_ response: HTTPResponse, call: GoogleRESTCall) throws -> Value {
        do {
            return try response.decode(Value.self)
        } catch {
            throw GoogleError(
                .unexpectedResponse,
                "\(call.method.rawValue) \(http.describe(call.url)): unreadable answer (\(error)): "
                    + String(response.bodyText.prefix(200)))
        }
    }

    /// The error for a non-2xx answer: Google's status and message, and for 401/403 the credential used.
    public func failure(_ call: GoogleRESTCall, _ response: HTTPResponse) -> GoogleError {
        let what = "\(call.method.rawValue) \(http.describe(call.url))"
        let reason = http.configuration.redactor.redact(GoogleErrorBody.summary(of: response))
        switch response.status {
        case 401, 403:
            return GoogleError(
                .permission, "\(what): HTTP \(response.status) \(reason) (credential: \(authorizer.credential))",
                status: response.status)
        default:
            return GoogleError(.api, "\(what): HTTP \(response.status) \(reason)", status: response.status)
        }
    }
}
