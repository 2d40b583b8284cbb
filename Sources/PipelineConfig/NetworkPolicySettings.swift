import Yams

/// A NetworkPolicy per workload (`kubernetes.network_policy`): ingress only to the metrics port, egress only to
/// DNS, the Kafka brokers and the model server.
public struct NetworkPolicySettings: Sendable, Equatable {
    /// Default: true.
    public var enabled = true
    /// The brokers' ports. Default: 9092 (Confluent Cloud and most clusters).
    public var kafkaPorts = [9092]
    /// The model server's ports when it runs outside the cluster. Default: the port of `stream_app.model_url`
    /// (443 for Vertex AI and ML Engine); an in-cluster TF Serving is reached by its pods' label instead.
    public var modelPorts: [Int]?

    public init() {}

    init(_ reader: ConfigReader) throws(ConfigurationError) {
        try reader.rejectUnknownKeys(["enabled", "kafka_ports", "model_ports"])
        enabled = try reader.bool("enabled", default: enabled)
        kafkaPorts = try Self.ports(reader, "kafka_ports") ?? kafkaPorts
        modelPorts = try Self.ports(reader, "model_ports")
    }

    private static func ports(_ reader: ConfigReader, _ key: String) throws(ConfigurationError) -> [Int]? {
        guard let node = reader.node(key) else { return nil }
        guard case .sequence(let sequence) = node, !sequence.isEmpty else {
            throw reader.error(key, "expected a list of port numbers, such as [9092]")
        }
        var ports: [Int] = []
        for element in sequence {
            guard let text = element.string, let port = Int(text), (1...65535).contains(port) else {
                throw reader.error(key, "expected port numbers from 1 to 65535, got '\(element.string ?? "a list")'")
            }
            ports.append(port)
        }
        return ports
    }
}
