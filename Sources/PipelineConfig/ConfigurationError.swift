import Failure

/// A configuration problem, located: the file and line, and the dotted key, such as
/// `pipeline.yaml:14: stream_app.concurrency: expected a whole number, got 'many'`.
public struct ConfigurationError: PipelineError, Equatable {
    public enum Code: String, CustomStringConvertible, Hashable, Sendable {
        /// The file could not be read at all.
        case unreadableFile = "unreadable_file"
        /// The file is not YAML.
        case invalidYAML = "invalid_yaml"
        /// A key that holds a credential: secrets belong in the environment.
        case secretInConfiguration = "secret_in_configuration"
        /// A key that is unknown, of the wrong type, or out of range.
        case invalidSetting = "invalid_setting"
        /// An API key without its secret, or a secret without its key.
        case unpairedCredentials = "unpaired_credentials"

        public var description: String { rawValue }
    }

    public let code: Code
    public let file: String?
    public let line: Int?
    public let key: String
    public let reason: String

    public init(code: Code = .invalidSetting, file: String? = nil, line: Int? = nil, key: String, reason: String) {
        self.code = code
        self.file = file
        self.line = line
        self.key = key
        self.reason = reason
    }

    /// A configuration is input: the same file gives the same answer until someone edits it.
    public var failureKind: FailureKind { .permanent }
    public var isBadInput: Bool { true }

    public var description: String {
        let location = [file, line.map(String.init)].compactMap { $0 }.joined(separator: ":")
        let keyPart = key.isEmpty ? "" : "\(key): "
        return location.isEmpty ? "\(keyPart)\(reason)" : "\(location): \(keyPart)\(reason)"
    }
}
