import Foundation
import HTTP

/// One Kafka ACL, as Kafka REST v3 writes it (`/kafka/v3/clusters/{cluster_id}/acls`).
public struct KafkaACL: Codable, Sendable, Hashable, Comparable, CustomStringConvertible {
    public var resource_type: String
    public var resource_name: String
    public var pattern_type: String
    public var principal: String
    public var host: String
    public var operation: String
    public var permission: String

    public init(
        principal: String, operation: String, resourceType: String, resourceName: String,
        patternType: String = "LITERAL", permission: String = "ALLOW", host: String = "*"
    ) {
        resource_type = resourceType
        resource_name = resourceName
        pattern_type = patternType
        self.principal = principal
        self.host = host
        self.operation = operation
        self.permission = permission
    }

    /// `ALLOW User:sa-123 READ TOPIC images`, with `(prefix)` for a PREFIXED pattern.
    public var description: String {
        "\(permission) \(principal) \(operation) \(resource_type) \(resource_name)"
            + (pattern_type == "PREFIXED" ? " (prefix)" : "") + (host == "*" ? "" : " from \(host)")
    }

    public static func < (lhs: KafkaACL, rhs: KafkaACL) -> Bool { lhs.description < rhs.description }
}

extension KafkaRestClient {
    /// Every ACL naming `principal`.
    public func acls(principal: String) async throws -> [KafkaACL] {
        let query = principal.addingPercentEncoding(withAllowedCharacters: ConfluentCloudClient.queryAllowed) ?? principal
        let operation = "list ACLs of \(principal)"
        let response = try await send(HTTPRequest(.get, "\(clusterURL)/acls?principal=\(query)"), operation)
        return try decode(KafkaRestList<KafkaACL>.self, response, operation).data
    }

    public func createACL(_ acl: KafkaACL) async throws {
        _ = try await send(try .json(.post, "\(clusterURL)/acls", body: acl), "create ACL \(acl)")
    }

    /// Deletes exactly this ACL (every field given, so no pattern matches more).
    public func deleteACL(_ acl: KafkaACL) async throws {
        let fields = [
            ("resource_type", acl.resource_type), ("resource_name", acl.resource_name), ("pattern_type", acl.pattern_type),
            ("principal", acl.principal), ("host", acl.host), ("operation", acl.operation), ("permission", acl.permission),
        ]
        let query = fields.map {
            "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: ConfluentCloudClient.queryAllowed) ?? $0.1)"
        }
        _ = try await send(HTTPRequest(.delete, "\(clusterURL)/acls?" + query.joined(separator: "&")), "delete ACL \(acl)")
    }

    /// Lists topics, the lightest authenticated read any key can make: for waiting until a new key is accepted.
    /// Returns the HTTP status (200 once the key works, 401 while it is not yet known to the cluster).
    public func probe() async throws -> Int {
        try await send(HTTPRequest(.get, "\(clusterURL)/topics"), "read topics", allowing: [401]).status
    }
}
