import Foundation
import HTTP

extension ConfluentCloudClient {
    /// The cluster's REST endpoint: `spec.http_endpoint`, or, where only the newer `spec.endpoints` map is
    /// filled in, its PUBLIC entry (else the only entry).
    public func restEndpoint(clusterID: String, environment: String) async throws -> String {
        let operation = "look up the REST endpoint of cluster \(clusterID) in environment \(environment)"
        let response = try await send(
            HTTPRequest(.get, url("/cmk/v2/clusters/\(clusterID)", [("environment", environment)])), operation)
        let cluster = try decode(ConfluentCluster.self, response, operation)
        let endpoints = cluster.spec.endpoints ?? [:]
        let endpoint = cluster.spec.http_endpoint
            ?? endpoints.values.first { $0.connection_type == "PUBLIC" }?.http_endpoint
            ?? (endpoints.count == 1 ? endpoints.values.first?.http_endpoint : nil)
        guard let endpoint, !endpoint.isEmpty else {
            let phase = cluster.status.map { " (cluster phase \($0.phase))" } ?? ""
            throw ConfluentError(
                code: .unexpectedResponse, operation: operation, status: response.status,
                reason: "the cluster has no single REST endpoint\(phase); pass --rest-endpoint")
        }
        return endpoint
    }
}
