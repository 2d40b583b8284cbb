import Foundation
import HTTP

/// One REST call to a Google API, built before it is sent so that `plan` can show it exactly.
public struct GoogleRESTCall: Sendable, Equatable {
    public var method: HTTPMethod
    public var url: String
    /// The JSON body, keys sorted; nil for GET and DELETE. Uploads carry file bytes, typed by `headers`.
    public var body: Data?
    /// Headers beyond authorization; a `Content-Type` here replaces the JSON one.
    public var headers: [HTTPHeader]

    public init(method: HTTPMethod, url: String, body: Data? = nil, headers: [HTTPHeader] = []) {
        self.method = method
        self.url = url
        self.body = body
        self.headers = headers
    }

    public init(method: HTTPMethod, url: String, json: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        self.init(method: method, url: url, body: try encoder.encode(json))
    }

    /// `POST https://…` and the body, as `plan` prints them; the body is masked by `redactor` like everything else.
    public func rendered(redactor: HTTPRedactor = HTTPRedactor()) -> String {
        let line = "\(method.rawValue) \(redactor.redact(url))"
        guard let body else { return line }
        return line + "\n" + redactor.redact(String(decoding: body, as: UTF8.self))
    }
}
