/// A configuration problem, located: the file and line, and the dotted key, such as
/// `pipeline.yaml:14: stream_app.concurrency: expected a whole number, got 'many'`.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable, Equatable {
    public let file: String?
    public let line: Int?
    public let key: String
    public let reason: String

    public init(file: String? = nil, line: Int? = nil, key: String, reason: String) {
        self.file = file
        self.line = line
        self.key = key
        self.reason = reason
    }

    public var description: String {
        let location = [file, line.map(String.init)].compactMap { $0 }.joined(separator: ":")
        let keyPart = key.isEmpty ? "" : "\(key): "
        return location.isEmpty ? "\(keyPart)\(reason)" : "\(location): \(keyPart)\(reason)"
    }
}
