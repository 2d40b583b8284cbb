import Foundation

public enum HTTPMethod: String, Sendable {
    case get = "GET", post = "POST", put = "PUT", patch = "PATCH", delete = "DELETE", head = "HEAD"
}

public struct HTTPHeader: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

extension HTTPHeader {
    /// A header line of a response (`Name: value`), as a peer sent it; nil when it has no colon.
    public init?(responseLine line: String) {
        guard let colon = line.firstIndex(of: ":") else { return nil }
        self.init(String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
    }
}

extension Array where Element == HTTPHeader {
    /// The first header with this name, compared case-insensitively as HTTP requires.
    public func value(named name: String) -> String? {
        first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
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

public struct HTTPResponse: Sendable {
    public let status: Int
    public let headers: [HTTPHeader]
    public let body: Data

    public init(status: Int, headers: [HTTPHeader], body: Data) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public var isSuccess: Bool { (200..<300).contains(status) }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    public func decode<Value: Decodable>(_ type: Value.Type = Value.self) throws -> Value {
        try JSONDecoder().decode(type, from: body)
    }
}
