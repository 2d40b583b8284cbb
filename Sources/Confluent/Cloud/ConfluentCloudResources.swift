import Foundation

/// The parts of Confluent Cloud's resources (`cmk/v2` clusters, `iam/v2` service accounts and API keys) this
/// project reads and writes, named as the API names them. Fields Confluent fills in are optional.
public struct ConfluentCluster: Codable, Sendable, Equatable {
    public struct Config: Codable, Sendable, Equatable {
        public var kind: String
        public var cku: Int?
    }

    public struct Spec: Codable, Sendable, Equatable {
        public var display_name: String
        public var availability: String
        public var cloud: String
        public var region: String
        public var config: Config
        public var environment: ConfluentReference
        public var kafka_bootstrap_endpoint: String?
        public var http_endpoint: String?
        /// The newer map of endpoints by access point, where `http_endpoint` may be missing.
        public var endpoints: [String: Endpoint]?
    }

    public struct Endpoint: Codable, Sendable, Equatable {
        public var http_endpoint: String?
        public var connection_type: String?
    }

    public struct Status: Codable, Sendable, Equatable {
        public var phase: String
        public var cku: Int?
    }

    public var id: String?
    public var spec: Spec
    public var status: Status?

    /// `pkc-….confluent.cloud:9092`, as Kafka clients take it (Confluent writes `SASL_SSL://` in front).
    public var bootstrapServers: String? {
        guard let endpoint = spec.kafka_bootstrap_endpoint, !endpoint.isEmpty else { return nil }
        guard let scheme = endpoint.range(of: "://") else { return endpoint }
        return String(endpoint[scheme.upperBound...])
    }
}

/// `{"id": "env-…"}` and friends; Confluent adds `related` and `resource_name` in answers.
public struct ConfluentReference: Codable, Sendable, Equatable {
    public var id: String
    public var environment: String?
    public var kind: String?

    public init(id: String, environment: String? = nil) {
        self.id = id
        self.environment = environment
    }
}

public struct ConfluentServiceAccount: Codable, Sendable, Equatable {
    public var id: String?
    public var display_name: String
    public var description: String?
}

public struct ConfluentAPIKey: Codable, Sendable, Equatable {
    public struct Spec: Codable, Sendable, Equatable {
        /// Only in the answer to `create`; never stored, logged or printed by this project but in the env file.
        public var secret: String?
        public var display_name: String?
        public var description: String?
        public var owner: ConfluentReference?
        public var resource: ConfluentReference?
    }

    public var id: String?
    public var spec: Spec
}

struct ConfluentList<Element: Decodable>: Decodable {
    struct Metadata: Decodable {
        let next: String?
    }
    let metadata: Metadata?
    let data: [Element]
}
