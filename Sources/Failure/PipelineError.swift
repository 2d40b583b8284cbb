/// The one shape of an error across the libraries: a stable `code` that scripts and metrics can match, a one-line
/// `description` a user can act on, and the `failureKind` that says whether trying again can help.
///
/// The description never holds a secret: each error builds it from names, statuses and the peer's own messages.
public protocol PipelineError: Error, CustomStringConvertible, Sendable {
    /// Short and stable, lower-case with underscores (`timeout`, `model_refused`, `unknown_topic_or_part`): what
    /// a JSON report or a log field carries, where the description may change wording.
    var code: String { get }
    var failureKind: FailureKind { get }
}

