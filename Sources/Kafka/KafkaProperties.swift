import Foundation

/// librdkafka configuration properties, passed through as they are, so that any property (SASL_SSL with a
/// Confluent Cloud API key, compression, batching) can be set from a flag, a file or the pipeline configuration.
///
/// Values of secret properties never appear in `description` or in errors.
public struct KafkaProperties: Sendable, Equatable, CustomStringConvertible {
    public private(set) var values: [String: String] = [:]

    public init(_ values: [String: String] = [:]) {
        self.values = values
    }

    public subscript(key: String) -> String? {
        get { values[key] }
        set { values[key] = newValue }
    }

    /// Sets `key` unless it is already set: for defaults that a user's own property must win over.
    public mutating func setDefault(_ key: String, _ value: String) {
        if values[key] == nil { values[key] = value }
    }

    /// Later properties win: `defaults.merging(fromFile).merging(fromFlags)`.
    public func merging(_ other: KafkaProperties) -> KafkaProperties {
        KafkaProperties(values.merging(other.values) { _, new in new })
    }

    /// Parses one `key=value` pair, as given to `-X`.
    public mutating func set(keyValue pair: String) throws {
        guard let equals = pair.firstIndex(of: "=") else {
            throw KafkaError.config("'\(Self.redacting(pair))' is not key=value (for example -X linger.ms=5)")
        }
        let key = pair[..<equals].trimmingCharacters(in: .whitespaces)
        guard !key.isEmpty else {
            throw KafkaError.config("'\(Self.redacting(pair))' has no property name before '='")
        }
        values[key] = String(pair[pair.index(after: equals)...]).trimmingCharacters(in: .whitespaces)
    }

    /// Reads a Java-style properties file (`key=value` lines, `#` or `!` comments), as Kafka's own tools take.
    public static func load(contentsOf path: String) throws -> KafkaProperties {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw KafkaError.config("cannot read properties file \(path): \(error.localizedDescription)")
        }
        var properties = KafkaProperties()
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix("!") { continue }
            do {
                try properties.set(keyValue: line)
            } catch let error as KafkaError {
                throw KafkaError.config("\(path):\(number + 1): \(error.reason)")
            }
        }
        return properties
    }

    /// SASL_SSL with PLAIN, the way Confluent Cloud clusters take a cluster API key.
    public static func confluentCloud(apiKey: String, apiSecret: String) -> KafkaProperties {
        KafkaProperties([
            "security.protocol": "SASL_SSL",
            "sasl.mechanisms": "PLAIN",
            "sasl.username": apiKey,
            "sasl.password": apiSecret,
        ])
    }

    /// Whether a property holds a credential: such values are shown as `[redacted]`.
    public static func isSecret(_ key: String) -> Bool {
        let lowered = key.lowercased()
        return lowered.contains("password") || lowered.contains("secret") || lowered == "ssl.key.pem"
            || lowered == "sasl.oauthbearer.config"
    }

    public var description: String {
        values.keys.sorted().map { key in
            "\(key)=\(Self.isSecret(key) ? "[redacted]" : values[key] ?? "")"
        }.joined(separator: ", ")
    }

    private static func redacting(_ pair: String) -> String {
        guard let equals = pair.firstIndex(of: "="), isSecret(String(pair[..<equals])) else { return pair }
        return "\(pair[..<equals])=[redacted]"
    }
}
