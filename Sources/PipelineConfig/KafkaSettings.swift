/// The Kafka cluster and the topics the pipeline needs (`kafka:`).
public struct KafkaSettings: Sendable, Equatable {
    /// Default: none, which starts the embedded cluster. `KAFKA_BOOTSTRAP_SERVERS` overrides it.
    public var bootstrapServers: String?
    /// Confluent Cloud REST endpoint (`https://pkc-….confluent.cloud:443`). `KAFKA_REST_ENDPOINT` overrides it.
    public var restEndpoint: String?
    /// Confluent Cloud cluster id (`lkc-…`). `KAFKA_ID` overrides it.
    public var clusterID: String?
    /// Confluent Cloud environment id (`env-…`), to look the REST endpoint up. `CONFLUENT_ENVIRONMENT_ID` overrides it.
    public var environment: String?
    /// The Confluent Cloud cluster `cluster-provision` manages (`kafka.cluster:`).
    public var cluster = ConfluentClusterSettings()
    /// librdkafka properties for every client, without credentials.
    public var properties: [String: String] = [:]
    /// Default: `images` (6 partitions), `predictions` (6) and `images-dlq` (1).
    public var topics: [TopicSettings] = [
        TopicSettings(name: "images", partitions: 6),
        TopicSettings(name: "predictions", partitions: 6),
        TopicSettings(name: "images-dlq", partitions: 1),
    ]

    public init() {}

    init(_ reader: ConfigReader) throws(ConfigurationError) {
        try reader.rejectUnknownKeys([
            "bootstrap_servers", "rest_endpoint", "cluster_id", "environment", "properties", "topics", "cluster",
        ])
        cluster = try ConfluentClusterSettings(try reader.child("cluster"))
        bootstrapServers = try reader.string("bootstrap_servers")
        restEndpoint = try reader.string("rest_endpoint")
        clusterID = try reader.string("cluster_id")
        environment = try reader.string("environment")
        properties = try reader.stringMap("properties")
        if reader.node("topics") != nil {
            var topics: [TopicSettings] = []
            for topicReader in try reader.list("topics") {
                topics.append(try TopicSettings(topicReader))
            }
            var seen = Set<String>()
            for (index, topic) in topics.enumerated() where !seen.insert(topic.name).inserted {
                throw ConfigurationError(
                    file: reader.file, line: try reader.list("topics")[index].line, key: "kafka.topics[\(index)].name",
                    reason: "topic '\(topic.name)' is declared twice")
            }
            self.topics = topics
        }
    }
}
