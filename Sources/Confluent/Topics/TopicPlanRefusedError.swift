import Failure

/// A plan `apply` will not carry out, because some declared state cannot be reached.
public struct TopicPlanRefusedError: PipelineError {
    public enum Code: String, CustomStringConvertible, Hashable, Sendable {
        /// A declared topic asks for what Kafka cannot do to an existing one (fewer partitions, another
        /// replication factor).
        case planRefused = "plan_refused"

        public var description: String { rawValue }
    }

    public let refusals: [String]

    public init(refusals: [String]) {
        self.refusals = refusals
    }

    public var code: Code { .planRefused }

    /// The same declaration is refused again until someone edits it.
    public var failureKind: FailureKind { .permanent }

    public var description: String { "refusing to apply, nothing was changed: " + refusals.joined(separator: "; ") }
}
