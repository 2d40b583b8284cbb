/// Settings of an `HTTPClient`.
public struct HTTPClientConfiguration: Sendable {
    /// Bounds each attempt from connecting to the last byte. Default: 30 s.
    public var timeout: Duration = .seconds(30)
    /// Bounds connection set-up (DNS, TCP, TLS). Default: 10 s.
    public var connectTimeout: Duration = .seconds(10)
    /// Ends an attempt whose response has started (status and headers received) but then sends nothing for
    /// this long, well before `timeout` when that is long. Default: 10 s.
    public var stallTimeout: Duration = .seconds(10)
    /// The largest response body accepted, in bytes; a larger one ends the call with a `.responseTooLarge` error
    /// instead of filling memory. `HTTPRequest.maxResponseBytes` overrides it per call. Default: 16 MiB.
    public var maxResponseBytes = 16 << 20
    public var retry = RetryPolicy()
    /// Whether plain `http://` may go to hosts other than loopback. Default: false, so a credential can never
    /// leave the machine unencrypted by mistake; turn it on only for servers inside a trusted network, such as a
    /// model server in the same Kubernetes cluster.
    public var allowsPlainHTTPToAnyHost = false
    /// A PEM file of extra trusted certificate authorities, for private endpoints. Default: the system's.
    public var caBundlePath: String?
    public var userAgent = "image-pipeline/1.0"
    /// Masks secrets in everything this client logs.
    public var redactor = HTTPRedactor()

    public init() {}
}
