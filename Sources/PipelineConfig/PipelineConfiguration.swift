import Foundation
import Yams

/// The whole pipeline in one file (`pipeline.yaml`): Google model, Kafka cluster and topics, the stream app, the
/// load profile and the Kubernetes namespace. Every executable reads it, and its flags override it.
///
/// Secrets never live here: a key that looks like one (`password`, `secret`, `token`, `private_key`) is an error,
/// and credentials come from environment variables or files named in the README.
public struct PipelineConfiguration: Sendable, Equatable {
    public var google = GoogleSettings()
    public var kafka = KafkaSettings()
    public var streamApp = StreamAppSettings()
    public var load = LoadSettings()
    public var kubernetes = KubernetesSettings()

    public init() {}

    /// The file name looked for in the working directory when none is given.
    public static let defaultFileName = "pipeline.yaml"
    /// The environment variable that names the file.
    public static let environmentVariable = "PIPELINE_CONFIG"

    /// Loads `path`, else `$PIPELINE_CONFIG`, else `./pipeline.yaml` if it exists, else the defaults.
    public static func load(
        path: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigurationError) -> PipelineConfiguration {
        guard let file = resolvedPath(path: path, environment: environment) else { return PipelineConfiguration() }
        return try load(file: file)
    }

    /// The file `load(path:)` reads: `path`, else `$PIPELINE_CONFIG`, else `./pipeline.yaml` if it exists; nil for
    /// the built-in defaults.
    public static func resolvedPath(
        path: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> String? {
        if let path = path ?? environment[environmentVariable] { return path }
        return FileManager.default.fileExists(atPath: defaultFileName) ? defaultFileName : nil
    }

    public static func load(file: String) throws(ConfigurationError) -> PipelineConfiguration {
        let text: String
        do {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw ConfigurationError(
                code: .unreadableFile, file: file, key: "", reason: "cannot read the file (\(error.localizedDescription))")
        }
        return try parse(text, file: file)
    }

    public static func parse(_ yaml: String, file: String? = nil) throws(ConfigurationError) -> PipelineConfiguration {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw ConfigurationError(
                code: .invalidYAML, file: file, line: error.line, key: "", reason: "not valid YAML: \(error.summary)")
        } catch {
            throw ConfigurationError(code: .invalidYAML, file: file, key: "", reason: "not valid YAML: \(error)")
        }
        try rejectSecrets(in: root, file: file, path: "")
        let reader = try ConfigReader(file: file, path: "", node: root)
        try reader.rejectUnknownKeys(["google", "kafka", "stream_app", "load", "kubernetes"])
        var configuration = PipelineConfiguration()
        configuration.google = try GoogleSettings(try reader.child("google"))
        configuration.kafka = try KafkaSettings(try reader.child("kafka"))
        configuration.streamApp = try StreamAppSettings(try reader.child("stream_app"))
        configuration.load = try LoadSettings(try reader.child("load"), defaultTopic: configuration.streamApp.inputTopic)
        configuration.kubernetes = try KubernetesSettings(
            try reader.child("kubernetes"), streamApp: configuration.streamApp, kafka: configuration.kafka,
            modelName: configuration.google.model.name)
        return configuration
    }

    /// Key names that only ever hold credentials.
    static func looksSecret(_ key: String) -> Bool {
        let lowered = key.lowercased()
        return ["password", "secret", "token", "private_key", "privatekey", "api_key", "apikey"].contains {
            lowered.contains($0)
        } && !lowered.hasSuffix("_env") && !lowered.hasSuffix("_file") && !lowered.hasSuffix("secret_name")
    }

    private static func rejectSecrets(in node: Node?, file: String?, path: String) throws(ConfigurationError) {
        switch node {
        case .mapping(let mapping)?:
            for (name, value) in mapping {
                let key = name.string ?? ""
                let keyPath = path.isEmpty ? key : "\(path).\(key)"
                if looksSecret(key) {
                    throw ConfigurationError(
                        code: .secretInConfiguration, file: file, line: name.mark?.line, key: keyPath,
                        reason: "secrets do not belong in the configuration; set them in the environment "
                            + "(KAFKA_API_KEY, KAFKA_API_SECRET, GOOGLE_APPLICATION_CREDENTIALS) instead")
                }
                try rejectSecrets(in: value, file: file, path: keyPath)
            }
        case .sequence(let sequence)?:
            for (index, element) in sequence.enumerated() {
                try rejectSecrets(in: element, file: file, path: "\(path)[\(index)]")
            }
        default:
            return
        }
    }
}

extension YamlError {
    var line: Int? {
        switch self {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): mark.line
        default: nil
        }
    }

    var summary: String {
        switch self {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _): problem
        default: "\(self)"
        }
    }
}
