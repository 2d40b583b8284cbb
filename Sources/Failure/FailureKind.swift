/// What a failure means for whoever decides to try again. Every library maps its own failures onto these three,
/// and the stream app's policy (retry, dead-letter, pause), the provisioning tools' retries and the load
/// generator's error counts all read this, never a raw status or library code.
public enum FailureKind: String, Sendable, Hashable, CaseIterable {
    /// This request, for good: the input is refused (a bad image, a malformed setting, 400/413/422). Trying again
    /// unchanged gives the same answer; report it or dead-letter it.
    case permanent
    /// This request, now: the peer is overloaded or slow (408, 425, 429, 5xx, a timeout, a reset mid-request).
    /// Try again a bounded number of times, with backoff.
    case retriable
    /// Every request alike: credentials refused (401, 403), the target missing (404), the peer unreachable (DNS,
    /// connection refused, TLS), a fatal client state. Not the request's fault: stop or pause until the cause goes.
    case systemic

    /// The kind of an HTTP answer with a non-2xx status, the same for every API this toolchain calls.
    public init(httpStatus status: Int) {
        self =
            switch status {
            case 400, 413, 422: .permanent
            case 408, 425, 429, 500...599: .retriable
            default: .systemic
            }
    }
}
