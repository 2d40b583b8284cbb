import Foundation
import HTTP

/// Confluent Cloud's cluster management API (`cmk/v2`), used to find a cluster's Kafka REST endpoint from its id
/// and environment, with a Cloud API key (not a cluster key) as Basic auth.
public struct CMKClient: Sendable {
    /// Default: `https://api.confluent.cloud`.
    public static let defaultAPIRoot = "https://api.confluent.cloud"

    public let apiRoot: String
    private let credentials: ConfluentCredentials
    private let http: HTTPClient

    public init(apiRoot: String = Self.defaultAPIRoot, credentials: ConfluentCredentials, http: HTTPClient) {
        self.apiRoot = apiRoot.hasSuffix("/") ? String(apiRoot.dropLast()) : apiRoot
        self.credentials = credentials
        self.http = http
    }

    /// The cluster's REST endpoint: `spec.http_endpoint`, or, where only the newer `spec.endpoints` map is
    /// filled in, its PUBLIC entry (else the only entry).
    public func restEndpoint(clusterID: String, environment: String) async throws -> String {
        let operation = "look up the REST endpoint of cluster \(clusterID) in environment \(environment)"
        let url = "\(apiRoot)/cmk/v2/clusters/\(clusterID)?environment=\(environment)"
        let response = try await http.send(HTTPRequest(.get, url), signedWith: credentials, operation: operation)
        struct Cluster: Decodable {
            struct Spec: Decodable {
                struct Endpoint: Decodable {
                    let http_endpoint: String
                    let connection_type: String
                }
                let http_endpoint: String?
                let endpoints: [String: Endpoint]?
            }
            struct Status: Decodable {
                let phase: String
            }
            let spec: Spec
            let status: Status?
        }
        guard let cluster = try? response.decode(Cluster.self) else {
            throw ConfluentError(
                operation: operation, status: response.status, errorCode: nil,
                message: "the response is not a cmk/v2 Cluster")
        }
        let endpoints = cluster.spec.endpoints ?? [:]
        let endpoint = cluster.spec.http_endpoint
            ?? endpoints.values.first { $0.connection_type == "PUBLIC" }?.http_endpoint
            ?? (endpoints.count == 1 ? endpoints.values.first?.http_endpoint : nil)
        guard let endpoint, !endpoint.isEmpty else {
            let phase = cluster.status.map { " (cluster phase \($0.phase))" } ?? ""
            throw ConfluentError(
                operation: operation, status: response.status, errorCode: nil,
                message: "the cluster has no single REST endpoint\(phase); pass --rest-endpoint")
        }
        return endpoint
    }
}
