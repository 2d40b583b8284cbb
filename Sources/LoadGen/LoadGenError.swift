import Failure

/// A load-generator failure or bad setting, with a plain one-line reason.
public struct LoadGenError: PipelineError {
    public enum Code: String, CustomStringConvertible, Hashable, Sendable {
        /// A flag or setting the run cannot use (a rate, a ramp stage, a threshold, an image source).
        case invalidInput = "invalid_input"
        /// A report, histogram or histogram log that is corrupt, truncated, or does not fit with the others.
        case invalidData = "invalid_data"
        /// A file that cannot be created or read.
        case fileAccess = "file_access"
        /// A topic the run needs is not on the cluster.
        case missingTopic = "missing_topic"
        /// A record the run had to publish (its announcement, its report) was not acknowledged.
        case publishFailed = "publish_failed"
        /// The other workers of a distributed run did not show up in time.
        case timedOut = "timed_out"

        public var description: String { rawValue }
    }

    public let code: Code
    public let reason: String

    public init(_ reason: String, code: Code = .invalidInput) {
        self.code = code
        self.reason = reason
    }

    public var isBadInput: Bool { code == .invalidInput || code == .invalidData }

    public var failureKind: FailureKind {
        switch code {
        case .invalidInput, .invalidData: .permanent
        case .fileAccess, .missingTopic: .systemic
        case .publishFailed, .timedOut: .retriable
        }
    }

    public var description: String { reason }
}
