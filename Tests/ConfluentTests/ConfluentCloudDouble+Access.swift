import Foundation
import HTTP
import Synchronization

/// Confluent Cloud's control plane as the double keeps it: clusters that pass through PROVISIONING, service
/// accounts, API keys that answer 401 on the cluster until they have spread, and ACLs only a user's key may manage.
struct AccessState {
    struct Cluster {
        var id: String
        var name: String
        var environment: String
        /// The spec as created, without the environment; JSON so the state stays Sendable.
        var spec: Data
        var phase: String
        var pollsLeft: Int
        var fails: Bool
    }

    struct Key {
        var secret: String
        var owner: String
        /// `cloud`, or a cluster id.
        var resource: String
        var name: String
        var description: String
        /// What Kafka REST does with the key's next reads, accept (true) or 401 (false); then it always accepts.
        var spreading: [Bool]
    }

    static let owner = "u-owner1"

    var clusters: [String: Cluster] = [:]
    var serviceAccounts: [String: (name: String, description: String)] = [:]
    var keys: [String: Key] = [
        ConfluentCloudDouble.cloudKey: Key(
            secret: ConfluentCloudDouble.cloudSecret, owner: owner, resource: "cloud", name: "cloud", description: "",
            spreading: []),
        ConfluentCloudDouble.kafkaKey: Key(
            secret: ConfluentCloudDouble.kafkaSecret, owner: owner, resource: ConfluentCloudDouble.clusterID,
            name: "admin", description: "", spreading: []),
    ]
    /// Keyed by cluster id.
    var acls: [String: Set<[String: String]>] = [:]
    var counter = 100
    /// Polls a new cluster stays PROVISIONING.
    var provisioningPolls = 2
    /// How a new key spreads: 401, 401, one success, a lapse (a broker without it yet), then accepted.
    var spreading = [false, false, true, false]
    var failNextCluster = false
    var denyACLs = false

    mutating func nextID(_ prefix: String) -> String {
        counter += 1
        return "\(prefix)\(counter)"
    }

    func isCloudKey(_ credentials: (key: String, secret: String)) -> Bool {
        guard let key = keys[credentials.key] else { return false }
        return key.secret == credentials.secret && key.resource == "cloud"
    }

    /// The key's owner when the key opens `cluster`; a key still spreading fails, a lapse included.
    mutating func authenticate(_ credentials: (key: String, secret: String), cluster: String) -> String? {
        guard var key = keys[credentials.key], key.secret == credentials.secret, key.resource == cluster else { return nil }
        if !key.spreading.isEmpty {
            let accepted = key.spreading.removeFirst()
            keys[credentials.key] = key
            if !accepted { return nil }
        }
        return key.owner
    }
}

extension ConfluentCloudDouble {
    // MARK: Test controls

    func seedCluster() {
        state.withLock { state in
            state.access.clusters[Self.clusterID] = AccessState.Cluster(
                id: Self.clusterID, name: "pipeline", environment: Self.environment,
                spec: Data(
                    #"{"display_name": "pipeline", "availability": "SINGLE_ZONE", "cloud": "GCP", "region": "us-central1", "config": {"kind": "Basic"}}"#
                        .utf8), phase: "PROVISIONED", pollsLeft: 0, fails: false)
        }
    }

    func failNextCluster() { state.withLock { $0.access.failNextCluster = true } }
    func denyACLs() { state.withLock { $0.access.denyACLs = true } }
    /// A service account and key made by hand, outside cluster-provision.
    func seedServiceAccount(name: String) -> String {
        state.withLock { state in
            let id = state.access.nextID("sa-")
            state.access.serviceAccounts[id] = (name, "made by hand")
            return id
        }
    }

    func clusterID(named name: String) -> String? {
        state.withLock { $0.access.clusters.values.first { $0.name == name }?.id }
    }

    var clusterNames: [String] { state.withLock { $0.access.clusters.values.map(\.name).sorted() } }
    var serviceAccountNames: [String] { state.withLock { $0.access.serviceAccounts.values.map(\.name).sorted() } }
    var keyIDs: [String] { state.withLock { $0.access.keys.keys.sorted() } }
    var keySecrets: [String] { state.withLock { $0.access.keys.values.map(\.secret) } }
    func acls(cluster: String) -> [[String: String]] { state.withLock { Array($0.access.acls[cluster] ?? []) } }

    // MARK: Cloud API

    func cloudAnswer(_ request: ServerRequest, _ operation: OpenAPIContract.Operation) -> ServerResponse {
        let base = baseURLBox.withLock { $0 }
        return state.withLock { state -> ServerResponse in
            let body = (try? JSONSerialization.jsonObject(with: request.body)) as? [String: Any] ?? [:]
            var access = state.access
            defer { state.access = access }
            let id = operation.pathParameters["id"] ?? ""
            switch operation.id {
            case "listCmkV2Clusters":
                let environment = request.query["environment"] ?? ""
                let all = access.clusters.values.filter { $0.environment == environment }.sorted { $0.id < $1.id }
                return page(all.map { clusterJSON($0, base) }, kind: "ClusterList", version: "cmk/v2", request, base)
            case "getCmkV2Cluster":
                guard var cluster = access.clusters[id], cluster.environment == request.query["environment"] else {
                    return cloudError(404, "resource_not_found", "The cluster was not found in this environment.")
                }
                if cluster.phase == "PROVISIONING" {
                    cluster.pollsLeft -= 1
                    if cluster.pollsLeft <= 0 { cluster.phase = cluster.fails ? "FAILED" : "PROVISIONED" }
                    access.clusters[id] = cluster
                }
                return .jsonObject(clusterJSON(cluster, base))
            case "createCmkV2Cluster":
                let spec = body["spec"] as? [String: Any] ?? [:]
                let environment = (spec["environment"] as? [String: Any])?["id"] as? String ?? ""
                let cluster = AccessState.Cluster(
                    id: access.nextID("lkc-"), name: spec["display_name"] as? String ?? "", environment: environment,
                    spec: (try? JSONSerialization.data(withJSONObject: spec.filter { $0.key != "environment" })) ?? Data(),
                    phase: "PROVISIONING",
                    pollsLeft: access.provisioningPolls, fails: access.failNextCluster)
                access.failNextCluster = false
                access.clusters[cluster.id] = cluster
                return .jsonObject(clusterJSON(cluster, base), status: 202)
            case "deleteCmkV2Cluster":
                guard access.clusters.removeValue(forKey: id) != nil else {
                    return cloudError(404, "resource_not_found", "The cluster was not found.")
                }
                access.keys = access.keys.filter { $0.value.resource != id }
                access.acls[id] = nil
                return ServerResponse(status: 204)
            case "listIamV2ServiceAccounts":
                let name = request.query["display_name"]
                let all = access.serviceAccounts.filter { name == nil || $0.value.name == name }.sorted { $0.key < $1.key }
                return page(all.map { accountJSON($0.key, $0.value, base) }, kind: "ServiceAccountList", version: "iam/v2", request, base)
            case "createIamV2ServiceAccount":
                let name = body["display_name"] as? String ?? ""
                guard !access.serviceAccounts.values.contains(where: { $0.name == name }) else {
                    return cloudError(409, "conflict", "Service name is already in use.")
                }
                let account = access.nextID("sa-")
                access.serviceAccounts[account] = (name, body["description"] as? String ?? "")
                return .jsonObject(accountJSON(account, access.serviceAccounts[account]!, base), status: 201)
            case "deleteIamV2ServiceAccount":
                guard access.serviceAccounts.removeValue(forKey: id) != nil else {
                    return cloudError(404, "resource_not_found", "Service account not found.")
                }
                return ServerResponse(status: 204)
            case "getIamV2ApiKey":
                guard let key = access.keys[id] else { return cloudError(404, "resource_not_found", "API key not found.") }
                return .jsonObject(keyJSON(id, key, base, access, withSecret: false))
            case "listIamV2ApiKeys":
                let all = access.keys.filter { entry in
                    (request.query["spec.owner"].map { entry.value.owner == $0 } ?? true)
                        && (request.query["spec.resource"].map { entry.value.resource == $0 } ?? true)
                }.sorted { $0.key < $1.key }
                return page(all.map { keyJSON($0.key, $0.value, base, access, withSecret: false) }, kind: "ApiKeyList", version: "iam/v2", request, base)
            case "createIamV2ApiKey":
                let spec = body["spec"] as? [String: Any] ?? [:]
                let owner = (spec["owner"] as? [String: Any])?["id"] as? String ?? ""
                let resource = (spec["resource"] as? [String: Any])?["id"] as? String ?? ""
                guard access.serviceAccounts[owner] != nil || owner == AccessState.owner else {
                    return cloudError(400, "invalid_input", "Owner \(owner) not found.")
                }
                guard access.clusters[resource] != nil else {
                    return cloudError(400, "invalid_input", "Resource \(resource) not found.")
                }
                let keyID = "KEY\(access.nextID(""))TEST"
                let key = AccessState.Key(
                    secret: "cfltNewSecret\(UUID().uuidString.replacingOccurrences(of: "-", with: ""))", owner: owner,
                    resource: resource, name: spec["display_name"] as? String ?? "",
                    description: spec["description"] as? String ?? "", spreading: access.spreading)
                access.keys[keyID] = key
                return .jsonObject(keyJSON(keyID, key, base, access, withSecret: true), status: 202)
            case "deleteIamV2ApiKey":
                guard access.keys.removeValue(forKey: id) != nil else {
                    return cloudError(404, "resource_not_found", "API key not found.")
                }
                return ServerResponse(status: 204)
            default:
                return cloudError(405, "method_not_allowed", "the double does not serve \(operation.id)")
            }
        }
    }

    /// A page of at most one item, so clients must follow `metadata.next`.
    private func page(_ items: [[String: Any]], kind: String, version: String, _ request: ServerRequest, _ base: String)
        -> ServerResponse
    {
        let start = Int(request.query["page_token"] ?? "0") ?? 0
        var metadata: [String: Any] = ["total_size": items.count]
        if start + 1 < items.count {
            var query = request.query.filter { $0.key != "page_token" }.sorted { $0.key < $1.key }
                .map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0.value)" }
            query.append("page_token=\(start + 1)")
            metadata["next"] = "\(base)\(request.path)?\(query.joined(separator: "&"))"
        }
        return .jsonObject([
            "api_version": version, "kind": kind, "metadata": metadata, "data": Array(items.dropFirst(start).prefix(1)),
        ])
    }

    private func clusterJSON(_ cluster: AccessState.Cluster, _ base: String) -> [String: Any] {
        var spec = (try? JSONSerialization.jsonObject(with: cluster.spec)) as? [String: Any] ?? [:]
        spec["environment"] = [
            "id": cluster.environment, "related": "https://api.confluent.cloud/org/v2/environments/\(cluster.environment)",
            "resource_name": "crn://confluent.cloud/environment=\(cluster.environment)",
        ]
        spec["http_endpoint"] = base
        spec["kafka_bootstrap_endpoint"] = "SASL_SSL://pkc-\(cluster.id.dropFirst(4)).us-central1.gcp.confluent.cloud:9092"
        return [
            "api_version": "cmk/v2", "kind": "Cluster", "id": cluster.id,
            "metadata": [
                "self": "\(base)/cmk/v2/clusters/\(cluster.id)",
                "resource_name": "crn://confluent.cloud/environment=\(cluster.environment)/cloud-cluster=\(cluster.id)",
                "created_at": "2026-11-29T12:00:00Z",
            ],
            "spec": spec, "status": ["phase": cluster.phase],
        ]
    }

    private func accountJSON(_ id: String, _ account: (name: String, description: String), _ base: String) -> [String: Any] {
        [
            "api_version": "iam/v2", "kind": "ServiceAccount", "id": id,
            "metadata": [
                "self": "\(base)/iam/v2/service-accounts/\(id)", "resource_name": "crn://confluent.cloud/service-account=\(id)",
                "created_at": "2026-11-29T12:00:00Z",
            ],
            "display_name": account.name, "description": account.description,
        ]
    }

    private func keyJSON(_ id: String, _ key: AccessState.Key, _ base: String, _ access: AccessState, withSecret: Bool)
        -> [String: Any]
    {
        let ownerKind = key.owner.hasPrefix("sa-") ? "ServiceAccount" : "User"
        var resource: [String: Any] = [
            "id": key.resource, "related": "https://api.confluent.cloud/cmk/v2/clusters/\(key.resource)",
            "resource_name": "crn://confluent.cloud/kafka=\(key.resource)", "kind": key.resource == "cloud" ? "Cloud" : "Cluster",
        ]
        if let cluster = access.clusters[key.resource] { resource["environment"] = cluster.environment }
        var spec: [String: Any] = [
            "display_name": key.name, "description": key.description,
            "owner": [
                "id": key.owner, "related": "https://api.confluent.cloud/iam/v2/users/\(key.owner)",
                "resource_name": "crn://confluent.cloud/user=\(key.owner)", "kind": ownerKind,
            ],
            "resource": resource,
        ]
        if withSecret { spec["secret"] = key.secret }
        return [
            "api_version": "iam/v2", "kind": "ApiKey", "id": id,
            "metadata": ["self": "\(base)/iam/v2/api-keys/\(id)", "resource_name": "crn://api.confluent.cloud/api-key=\(id)"],
            "spec": spec,
        ]
    }

    // MARK: ACLs on the cluster

    static let aclFields = ["resource_type", "resource_name", "pattern_type", "principal", "host", "operation", "permission"]

    func aclAnswer(_ request: ServerRequest, _ operation: OpenAPIContract.Operation, owner: String) -> ServerResponse {
        let clusterID = operation.pathParameters["cluster_id"] ?? ""
        let base = baseURLBox.withLock { $0 }
        return state.withLock { state -> ServerResponse in
            guard !state.access.denyACLs, owner.hasPrefix("u-") else {
                return kafkaError(403, 40301, "Authorization failed.")
            }
            guard state.access.clusters[clusterID] != nil else {
                return kafkaError(404, 404, "Cluster \(clusterID) cannot be found.")
            }
            var acls = state.access.acls[clusterID] ?? []
            defer { state.access.acls[clusterID] = acls }
            let json: ([String: String]) -> [String: Any] = { acl in
                var object: [String: Any] = acl
                object["kind"] = "KafkaAcl"
                object["cluster_id"] = clusterID
                object["metadata"] = ["self": "\(base)/kafka/v3/clusters/\(clusterID)/acls"]
                return object
            }
            let matches: ([String: String]) -> Bool = { acl in
                Self.aclFields.allSatisfy { field in request.query[field].map { acl[field] == $0 } ?? true }
            }
            switch operation.id {
            case "getKafkaAcls":
                return .jsonObject([
                    "kind": "KafkaAclList", "metadata": ["self": "\(base)\(request.path)"],
                    "data": acls.filter(matches).sorted { $0.description < $1.description }.map(json),
                ])
            case "createKafkaAcls":
                let body = (try? JSONSerialization.jsonObject(with: request.body)) as? [String: Any] ?? [:]
                var acl: [String: String] = [:]
                for field in Self.aclFields { acl[field] = body[field] as? String }
                guard acl.count == Self.aclFields.count else { return kafkaError(400, 40002, "Incomplete ACL.") }
                guard acl["principal"]?.hasPrefix("User:") == true else {
                    return kafkaError(400, 40002, "Principal must be User:<id>.")
                }
                acls.insert(acl)
                return ServerResponse(status: 201)
            case "deleteKafkaAcls":
                let deleted = acls.filter(matches)
                acls.subtract(deleted)
                return .jsonObject(["data": deleted.map(json)])
            default:
                return kafkaError(405, 405, "the double does not serve \(operation.id)")
            }
        }
    }
}
