import Foundation
import HTTP

/// Confluent Cloud's control-plane APIs at `api.confluent.cloud`, with a Cloud API key as Basic auth: clusters
/// (`cmk/v2`), service accounts and API keys (`iam/v2`). Lists follow `metadata.next` to the end.
public struct ConfluentCloudClient: Sendable {
    /// Default: `https://api.confluent.cloud`.
    public static let defaultAPIRoot = "https://api.confluent.cloud"

    public let apiRoot: String
    public let credentials: ConfluentCredentials
    let http: HTTPClient

    public init(apiRoot: String = Self.defaultAPIRoot, credentials: ConfluentCredentials, http: HTTPClient) {
        self.apiRoot = apiRoot.hasSuffix("/") ? String(apiRoot.dropLast()) : apiRoot
        self.credentials = credentials
        self.http = http
    }

    static let queryAllowed = CharacterSet.urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=+?#:"))

    func url(_ path: String, _ query: [(String, String)] = []) -> String {
        let pairs = query.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: Self.queryAllowed) ?? $0.1)" }
        return apiRoot + path + (pairs.isEmpty ? "" : "?" + pairs.joined(separator: "&"))
    }

    func send(_ request: HTTPRequest, _ operation: String, allowing allowed: Set<Int> = []) async throws -> HTTPResponse {
        try await http.send(request, signedWith: credentials, operation: operation, allowing: allowed)
    }

    func decode<Value: Decodable>(_ type: Value.Type, _ response: HTTPResponse, _ operation: String) throws -> Value {
        try response.decode(type, answering: operation, shape: "the shape the API documents")
    }

    /// The resource at `url`, or nil when Confluent does not know it (404).
    func readIfPresent<Value: Decodable>(_ url: String, _ operation: String) async throws -> Value? {
        let response = try await send(HTTPRequest(.get, url), operation, allowing: [404])
        return response.status == 404 ? nil : try decode(Value.self, response, operation)
    }

    func list<Element: Decodable>(_ first: String, _ operation: String) async throws -> [Element] {
        var items: [Element] = []
        var next: String? = first
        while let url = next, !url.isEmpty {
            let page = try decode(ConfluentList<Element>.self, try await send(HTTPRequest(.get, url), operation), operation)
            items += page.data
            next = page.metadata?.next
        }
        return items
    }

    // MARK: Clusters

    public func clusters(environment: String) async throws -> [ConfluentCluster] {
        try await list(url("/cmk/v2/clusters", [("environment", environment)]), "list clusters in \(environment)")
    }

    /// The cluster, or nil when Confluent does not know it (404).
    public func cluster(id: String, environment: String) async throws -> ConfluentCluster? {
        try await readIfPresent(
            url("/cmk/v2/clusters/\(id)", [("environment", environment)]), "read cluster \(id) in \(environment)")
    }

    public func createCluster(_ spec: ConfluentCluster.Spec) async throws -> ConfluentCluster {
        struct Body: Encodable {
            struct Spec: Encodable {
                let display_name: String
                let availability: String
                let cloud: String
                let region: String
                let config: ConfluentCluster.Config
                let environment: ConfluentReference
            }
            let spec: Spec
        }
        let operation = "create cluster \(spec.display_name)"
        let body = Body(
            spec: .init(
                display_name: spec.display_name, availability: spec.availability, cloud: spec.cloud,
                region: spec.region, config: spec.config, environment: ConfluentReference(id: spec.environment.id)))
        return try decode(
            ConfluentCluster.self, try await send(try .json(.post, url("/cmk/v2/clusters"), body: body), operation), operation)
    }

    public func deleteCluster(id: String, environment: String) async throws {
        _ = try await send(
            HTTPRequest(.delete, url("/cmk/v2/clusters/\(id)", [("environment", environment)])), "delete cluster \(id)",
            allowing: [404])
    }

    // MARK: Service accounts

    public func serviceAccounts(named name: String) async throws -> [ConfluentServiceAccount] {
        let all: [ConfluentServiceAccount] = try await list(
            url("/iam/v2/service-accounts", [("display_name", name)]), "list service accounts named \(name)")
        // The filter is documented as exact, but an older server may ignore it: check again here.
        return all.filter { $0.display_name == name }
    }

    public func createServiceAccount(name: String, description: String) async throws -> ConfluentServiceAccount {
        let operation = "create service account \(name)"
        let body = ConfluentServiceAccount(id: nil, display_name: name, description: description)
        return try decode(
            ConfluentServiceAccount.self,
            try await send(try .json(.post, url("/iam/v2/service-accounts"), body: body), operation), operation)
    }

    public func deleteServiceAccount(id: String) async throws {
        _ = try await send(HTTPRequest(.delete, url("/iam/v2/service-accounts/\(id)")), "delete service account \(id)", allowing: [404])
    }

    // MARK: API keys

    /// The key, or nil when it does not exist.
    public func apiKey(id: String) async throws -> ConfluentAPIKey? {
        try await readIfPresent(url("/iam/v2/api-keys/\(id)"), "read API key \(id)")
    }

    public func apiKeys(owner: String, resource: String) async throws -> [ConfluentAPIKey] {
        try await list(
            url("/iam/v2/api-keys", [("spec.owner", owner), ("spec.resource", resource)]),
            "list API keys of \(owner) for \(resource)")
    }

    /// Creates a key for `owner` scoped to the cluster; the answer holds the secret, the only time it is given.
    public func createAPIKey(
        name: String, description: String, owner: String, cluster: String, environment: String
    ) async throws -> ConfluentAPIKey {
        struct Body: Encodable {
            struct Spec: Encodable {
                let display_name: String
                let description: String
                let owner: ConfluentReference
                let resource: ConfluentReference
            }
            let spec: Spec
        }
        let operation = "create API key \(name)"
        let body = Body(
            spec: .init(
                display_name: name, description: description, owner: ConfluentReference(id: owner),
                resource: ConfluentReference(id: cluster, environment: environment)))
        return try decode(
            ConfluentAPIKey.self, try await send(try .json(.post, url("/iam/v2/api-keys"), body: body), operation), operation)
    }

    public func deleteAPIKey(id: String) async throws {
        _ = try await send(HTTPRequest(.delete, url("/iam/v2/api-keys/\(id)")), "delete API key \(id)", allowing: [404])
    }
}
