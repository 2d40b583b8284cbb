import Foundation

/// A request as an `EmbeddedHTTPServer` handler sees it.
public struct ServerRequest: Sendable {
    public let method: String
    public let path: String
    /// Query parameters, percent-decoded; a repeated name keeps its last value.
    public let query: [String: String]
    /// The query string exactly as sent, for handlers that check its encoding.
    public let rawQuery: String
    public let headers: [HTTPHeader]
    public let body: Data

    public init(
        method: String, path: String, query: [String: String] = [:], rawQuery: String = "", headers: [HTTPHeader] = [],
        body: Data = Data()
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.rawQuery = rawQuery
        self.headers = headers
        self.body = body
    }
}
