import HTTP

extension HTTPClient {
    /// Sends a request signed with `credentials` (retrying as the client's policy says) and turns every failure
    /// into a `ConfluentError` about `operation`. Statuses in `allowed` come back as responses, for callers to
    /// whom they are an answer (404 for "no such topic").
    func send(
        _ request: HTTPRequest, signedWith credentials: ConfluentCredentials, operation: String,
        allowing allowed: Set<Int> = []
    ) async throws -> HTTPResponse {
        var request = request
        request.headers.append(credentials.authorizationHeader)
        request.headers.append(HTTPHeader("Accept", "application/json"))
        let response: HTTPResponse
        do {
            response = try await send(request)
        } catch let error as HTTPClientError {
            throw ConfluentError(operation: operation, status: nil, errorCode: nil, message: error.description)
        }
        guard response.isSuccess || allowed.contains(response.status) else {
            throw ConfluentError(
                operation: operation, response: response, apiKey: credentials.apiKey, redactor: configuration.redactor)
        }
        return response
    }
}
