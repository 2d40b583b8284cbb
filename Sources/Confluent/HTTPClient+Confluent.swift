import HTTP

extension HTTPClient {
    /// Sends a request signed with `credentials` and turns every failure into a `ConfluentError` about
    /// `operation`. Statuses in `allowed` come back as responses, for callers to whom they are an answer (404 for
    /// "no such topic"). The client's policy says how often and how long to retry; the client retries only what
    /// `FailureKind` calls retriable.
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
            throw ConfluentError(code: .unreachable, operation: operation, reason: error.description)
        }
        guard response.isSuccess || allowed.contains(response.status) else {
            throw ConfluentError(
                operation: operation, response: response, apiKey: credentials.apiKey, redactor: configuration.redactor)
        }
        return response
    }
}

extension HTTPResponse {
    /// The body as `type`, or a `ConfluentError` saying that the answer to `operation` is not `shape`.
    func decode<Value: Decodable>(_ type: Value.Type, answering operation: String, shape: String) throws(ConfluentError)
        -> Value
    {
        do {
            return try decode(type)
        } catch {
            throw ConfluentError(
                code: .unexpectedResponse, operation: operation, status: status,
                reason: "the response is not \(shape) (\(error))")
        }
    }
}
