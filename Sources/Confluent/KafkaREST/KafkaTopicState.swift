/// A topic as the cluster reports it, with every config whose value is known.
public struct KafkaTopicState: Sendable, Equatable {
    public var name: String
    public var partitions: Int
    public var replicationFactor: Int
    /// Every config the cluster returned, defaults included; sensitive configs (no value) are left out.
    public var configs: [String: String]

    public init(name: String, partitions: Int, replicationFactor: Int, configs: [String: String] = [:]) {
        self.name = name
        self.partitions = partitions
        self.replicationFactor = replicationFactor
        self.configs = configs
    }
}
