/// The one shape of an error across the libraries: a stable `code` that scripts and metrics can match, a one-line
/// `description` a user can act on, and the `failureKind` that says whether trying again can help. The free text
/// an error carries beside its code is called `reason` everywhere.
///
/// The description never holds a secret: each error builds it from names, statuses and the peer's own messages.
public protocol PipelineError: Error, CustomStringConvertible, Sendable {
    /// A library's own code: typed, so callers can switch on it, and printed as a short, stable name that a JSON
    /// report, a metric label or a script can match where the description may change wording. The peer's own
    /// symbolic name where it has one (librdkafka's `_MSG_TIMED_OUT`, Google's `PERMISSION_DENIED`), else
    /// lower-case with underscores (`timeout`, `invalid_setting`).
    associatedtype Code: CustomStringConvertible, Hashable, Sendable
    var code: Code { get }
    var failureKind: FailureKind { get }
    /// Whether the user's input is at fault (a flag, the environment, a file, the configuration), which the tools
    /// report with exit status 64 instead of 1. False unless the error says so.
    var isBadInput: Bool { get }
}

extension PipelineError {
    public var isBadInput: Bool { false }
}
