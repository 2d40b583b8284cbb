/// How the local model server behaves, for load and fault tests.
public struct LocalModelServerConfiguration: Sendable {
    /// The model name in `/v1/models/NAME`. Default: `image-classifier`.
    public var modelName = "image-classifier"
    /// The version the server reports and serves. Default: 1.
    public var version = 1
    /// Added to every predict call, however many instances it carries (a model server's fixed cost per request).
    /// Default: none.
    public var latency = Duration.zero
    /// Added per instance on top of `latency`, so that batching can be measured honestly. Default: none.
    public var latencyPerInstance = Duration.zero
    /// A further random delay, uniform in 0…jitter, per call. Default: none.
    public var latencyJitter = Duration.zero
    /// The first N predict calls fail with `errorStatus`. Default: 0.
    public var failFirst = 0
    /// The fraction (0…1) of the other predict calls that fail with `errorStatus`. Default: 0.
    public var errorRate = 0.0
    /// The status of injected failures. Default: 503.
    public var errorStatus = 503
    /// Sent as `Retry-After` with injected failures, as an overloaded server might. Default: none.
    public var retryAfterSeconds: Int?
    /// Seeds the random error and jitter choices, so a fault run can be repeated. Default: 0.
    public var seed: UInt64 = 0

    public init() {}
}
