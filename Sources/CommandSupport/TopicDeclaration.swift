import ArgumentParser
import PipelineConfig

/// `--topic name[:partitions[:key=value,...]]`, the one syntax of a declared topic (local-kafka, topic-provision,
/// image-loadgen). Partitions left out are those of the topic of that name in the configuration, else a
/// configuration topic's default (6), and so is its replication factor: `--topic images` means as many partitions
/// as the configured images topic. The configs managed are those the flag names, none when it names none. A config
/// value may hold commas (`cleanup.policy=compact,delete`): a piece without `=` continues
/// the previous value.
public enum TopicDeclaration {
    public static let syntax = "name[:partitions[:key=value,...]]"

    public static func parse(_ argument: String, configured: [TopicSettings]) throws -> TopicSettings {
        let parts = argument.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        let usage = "--topic \(argument): expected \(syntax)"
        if let problem = TopicSettings.validate(name: parts[0]) { throw ValidationError("--topic \(argument): \(problem)") }
        let known = configured.first { $0.name == parts[0] } ?? TopicSettings(name: parts[0])
        var topic = TopicSettings(name: known.name, partitions: known.partitions, replicationFactor: known.replicationFactor)
        if parts.count >= 2 {
            guard let partitions = Int(parts[1]), partitions >= 1 else {
                throw ValidationError(
                    "--topic \(argument): partitions must be a whole number of at least 1, got '\(parts[1])'")
            }
            topic.partitions = partitions
        }
        guard parts.count == 3 else { return topic }
        var configs: [(name: String, value: String)] = []
        for piece in parts[2].split(separator: ",", omittingEmptySubsequences: false) {
            if let equals = piece.firstIndex(of: "=") {
                configs.append((String(piece[..<equals]), String(piece[piece.index(after: equals)...])))
            } else if !configs.isEmpty {
                configs[configs.count - 1].value += ",\(piece)"
            } else {
                throw ValidationError("\(usage) ('\(piece)' has no '=')")
            }
        }
        for config in configs {
            if let problem = TopicSettings.validate(configName: config.name) {
                throw ValidationError("--topic \(argument): \(problem)")
            }
            topic.configs[config.name] = config.value
        }
        return topic
    }

    /// Whether `argument` names the partitions (`images:12`), rather than leaving them to the configuration.
    public static func namesPartitions(_ argument: String) -> Bool {
        argument.contains(":")
    }

    /// The warning for a tool that takes the one syntax but cannot set topic configs: nil when none is named.
    /// `cause` says why, such as "the embedded cluster keeps no topic configs".
    public static func unappliedConfigs(_ topics: [TopicSettings], cause: String) -> String? {
        guard let topic = topics.first(where: { !$0.configs.isEmpty }) else { return nil }
        return "\(cause): \(topic.configs.keys.sorted().joined(separator: ", ")) of topic \(topic.name) not applied"
    }

    /// Each argument parsed; a topic named twice is a usage error.
    public static func parse(_ arguments: [String], configured: [TopicSettings]) throws -> [TopicSettings] {
        let topics = try arguments.map { try parse($0, configured: configured) }
        var seen = Set<String>()
        if let twice = topics.first(where: { !seen.insert($0.name).inserted }) {
            throw ValidationError("--topic \(twice.name) is given twice; declare each topic once")
        }
        return topics
    }
}
