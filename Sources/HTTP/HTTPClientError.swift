/// A request that got no HTTP response: bad URL, refused connection, TLS failure, timeout.
/// A response with an error status is not an `HTTPClientError`: it comes back as an `HTTPResponse`.
public struct HTTPClientError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable, Equatable {
        case invalidURL
        /// Plain `http://` to a host that is not loopback.
        case insecureURL
        case timeout
        case connection
        case tls
        /// The response body was larger than the call's limit (`maxResponseBytes`), or its headers than 256 KiB.
        case responseTooLarge
        /// The server sent its headers and then stopped sending, or did not finish the body within the timeout.
        /// Not retried: the request reached a server that answered, and a server that misbehaves once is likely
        /// to do so again, so trying again would only multiply the wait.
        case stalled
        case other
    }

    public let kind: Kind
    /// The URL without its query string, which may carry a key.
    public let url: String
    public let reason: String
    /// libcurl's `CURLcode`, when libcurl reported the failure.
    public let curlCode: Int32?

    public init(kind: Kind, url: String, reason: String, curlCode: Int32? = nil) {
        self.kind = kind
        self.url = url.split(separator: "?", maxSplits: 1).first.map(String.init) ?? url
        self.reason = reason
        self.curlCode = curlCode
    }

    /// Worth another attempt: the server may be back, or the network may recover.
    public var isRetriable: Bool { kind == .timeout || kind == .connection }

    public var description: String { "\(url): \(reason)" }
}
