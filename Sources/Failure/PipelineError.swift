/// The one shape of an error across the libraries: a stable `code` that scripts and metrics can match, a one-line
/// `description` a user can act on, and the `failureKind` that says whether trying again can help.
///
/// The description never holds a secret: each error builds it from names, statuses and the peer's own messages.
public protocol PipelineError: Error, CustomStringConvertible, Sendable {
    /// Short and stable: what a JSON report, a metric label or a script matches, where the description may change
    /// wording. The peer's own symbolic name where it has one (librdkafka's `_MSG_TIMED_OUT`, Google's
    /// `PERMISSION_DENIED`, `http_503` for a bare status), else lower-case with underscores (`timeout`,
    /// `invalid_setting`).
    var code: String { get }
    var failureKind: FailureKind { get }
}

