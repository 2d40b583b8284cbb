import Foundation

public enum HTTPMethod: String, Sendable {
    case get = "GET", post = "POST", put = "PUT", patch = "PATCH", delete = "DELETE", head = "HEAD"
}

public struct HTTPRequest: Sendable {
    public var method: HTTPMethod
    public var url: String
    public var headers: [HTTPHeader]
    public var body: Data?
    /// Bounds one attempt from connecting to the last byte; nil takes the client's default.
    public var timeout: Duration?
    /// The largest response body this call accepts, in bytes; nil takes the client's default.
    public var maxResponseBytes: Int?

    public init(
        _ method: HTTPMethod, _ url: String, headers: [HTTPHeader] = [], body: Data? = nil, timeout: Duration? = nil,
        maxResponseBytes: Int? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.maxResponseBytes = maxResponseBytes
    }

    /// A request with a JSON body (and `Content-Type: application/json`), keys sorted so bodies are repeatable.
    public static func json(
        _ method: HTTPMethod, _ url: String, headers: [HTTPHeader] = [], body: some Encodable, timeout: Duration? = nil
    ) throws -> HTTPRequest {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return HTTPRequest(
            method, url, headers: headers + [HTTPHeader("Content-Type", "application/json")],
            body: try encoder.encode(body), timeout: timeout)
    }
}
