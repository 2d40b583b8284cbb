import ArgumentParser
import Foundation
import Kafka
import PipelineConfig

/// How a tool reaches Kafka: `--bootstrap-servers` (or `KAFKA_BOOTSTRAP_SERVERS`, or the configuration), any
/// librdkafka property with `-X key=value` or `--kafka-config FILE`, and Confluent Cloud credentials from
/// `KAFKA_API_KEY` and `KAFKA_API_SECRET` (or the files `KAFKA_API_KEY_FILE` and `KAFKA_API_SECRET_FILE` name).
public struct KafkaConnectionOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Kafka brokers, host:port[,host:port]. Default: $KAFKA_BOOTSTRAP_SERVERS, then kafka.bootstrap_servers in "
                + "the configuration.",
            valueName: "servers"))
    public var bootstrapServers: String?

    @Option(
        name: .customShort("X"),
        help: ArgumentHelp(
            "A librdkafka property, key=value (repeatable), e.g. -X compression.type=lz4.", valueName: "key=value"))
    public var properties: [String] = []

    @Option(
        name: .long,
        help: ArgumentHelp(
            "A properties file of librdkafka settings (key=value lines), as Kafka's own tools take. Confluent Cloud "
                + "credentials come from $KAFKA_API_KEY and $KAFKA_API_SECRET (or the files their _FILE variables name).",
            valueName: "file"))
    public var kafkaConfig: String?

    public init() {}

    public static let bootstrapVariable = "KAFKA_BOOTSTRAP_SERVERS"
    public static let apiKeyVariable = "KAFKA_API_KEY"
    public static let apiSecretVariable = "KAFKA_API_SECRET"

    /// The brokers to use, or nil for the embedded cluster.
    public func bootstrapServers(
        configuration: PipelineConfiguration, environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> String? {
        [bootstrapServers, environment[Self.bootstrapVariable], configuration.kafka.bootstrapServers]
            .compactMap { $0 }.first { !$0.isEmpty }
    }

    /// A credential from the environment: the variable itself or, when `<variable>_FILE` names a file, that file's
    /// contents without the final newline (how a Kubernetes Secret mounted as a volume arrives).
    static func credential(_ variable: String, environment: [String: String]) throws -> String {
        guard let path = environment[variable + "_FILE"], !path.isEmpty else { return environment[variable] ?? "" }
        guard environment[variable] ?? "" == "" else {
            throw ValidationError("Please set \(variable) or \(variable)_FILE, not both.")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("Cannot read \(variable)_FILE \(path).")
        }
        var text = String(decoding: data, as: UTF8.self)
        while text.hasSuffix("\n") || text.hasSuffix("\r") { text.removeLast() }
        return text
    }

    /// A properties file a flag names; one that cannot be read or parsed is bad input (exit 64).
    public static func properties(file: String, flag: String) throws -> KafkaProperties {
        do {
            return try KafkaProperties.load(contentsOf: file)
        } catch let error as KafkaError {
            throw InputError("\(flag) \(file): \(error.reason)")
        }
    }

    /// Properties in increasing precedence: the configuration, Confluent Cloud credentials from the environment,
    /// the properties file, then each `-X`.
    public func kafkaProperties(
        configuration: PipelineConfiguration, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> KafkaProperties {
        var properties = KafkaProperties(configuration.kafka.properties)
        let apiKey = try Self.credential(Self.apiKeyVariable, environment: environment)
        let apiSecret = try Self.credential(Self.apiSecretVariable, environment: environment)
        let pair: (key: String, secret: String)?
        do {
            pair = try CredentialPair.check(
                key: apiKey, secret: apiSecret, keyVariable: Self.apiKeyVariable,
                secretVariable: Self.apiSecretVariable, purpose: "a Kafka cluster API key")
        } catch {
            throw ValidationError("Please \(error.reason).")
        }
        if let pair { properties = properties.merging(.confluentCloud(apiKey: pair.key, apiSecret: pair.secret)) }
        if let kafkaConfig {
            properties = properties.merging(try Self.properties(file: kafkaConfig, flag: "--kafka-config"))
        }
        for pair in self.properties {
            do {
                try properties.set(keyValue: pair)
            } catch let error as KafkaError {
                throw ValidationError("-X \(error.reason)")
            }
        }
        if let servers = bootstrapServers(configuration: configuration, environment: environment) {
            properties["bootstrap.servers"] = servers
        }
        return properties
    }
}
