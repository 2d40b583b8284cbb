/// One Kafka topic the pipeline needs (`kafka.topics:`), as `topic-provision` creates it.
public struct TopicSettings: Sendable, Equatable {
    public var name: String
    /// Default: 6.
    public var partitions: Int
    /// Default: 3, as Confluent Cloud requires.
    public var replicationFactor: Int
    /// Topic configs to manage, such as `retention.ms`; others stay at the server's defaults.
    public var configs: [String: String]

    public init(name: String, partitions: Int = 6, replicationFactor: Int = 3, configs: [String: String] = [:]) {
        self.name = name
        self.partitions = partitions
        self.replicationFactor = replicationFactor
        self.configs = configs
    }

    init(_ reader: ConfigReader) throws(ConfigurationError) {
        try reader.rejectUnknownKeys(["name", "partitions", "replication_factor", "configs"])
        guard let name = try reader.string("name"), !name.isEmpty else {
            throw reader.error("name", "every topic needs a name")
        }
        if let problem = Self.validate(name: name) { throw reader.error("name", problem) }
        self.name = name
        partitions = try reader.int("partitions", default: 6)
        replicationFactor = try reader.int("replication_factor", default: 3)
        configs = try reader.stringMap("configs")
        for name in configs.keys.sorted() {
            if let problem = Self.validate(configName: name) { throw reader.error("configs", problem) }
        }
        guard partitions >= 1 else { throw reader.error("partitions", "must be at least 1, got \(partitions)") }
        guard replicationFactor >= 1 else {
            throw reader.error("replication_factor", "must be at least 1, got \(replicationFactor)")
        }
    }

    /// Kafka's config names are lowercase words and digits joined by dots (`retention.ms`, `preallocate`); anything
    /// else is a typo or a property of some other client. Returns the problem, if any.
    public static func validate(configName name: String) -> String? {
        let word = Set("abcdefghijklmnopqrstuvwxyz0123456789")
        let words = name.split(separator: ".", omittingEmptySubsequences: false)
        if words.allSatisfy({ !$0.isEmpty && $0.allSatisfy(word.contains) }) { return nil }
        return "'\(name)' is not a Kafka topic config name; use lowercase words joined by dots, such as retention.ms"
    }

    /// Kafka's topic name rule: 1–249 of `[a-zA-Z0-9._-]`, and not `.` or `..`. Returns the problem, if any.
    public static func validate(name: String) -> String? {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        if name.isEmpty || name.count > 249 { return "topic names are 1 to 249 characters long" }
        if name == "." || name == ".." { return "'\(name)' is not a valid topic name" }
        if let bad = name.first(where: { !allowed.contains($0) }) {
            return "topic name '\(name)' has '\(bad)'; use letters, digits, '.', '_' and '-'"
        }
        return nil
    }
}
