import Foundation
import HTTP
import Logging
import PipelineConfig

/// Creates, declaratively, the Confluent Cloud side of the pipeline: a cluster, a service account per program,
/// a cluster-scoped API key for each (its secret written only to the program's 0600 env file), and the ACLs each
/// needs and no more. `plan` reads only; `apply` creates what is missing and waits until it works; a second
/// `apply` creates nothing and never replaces a key. `destroy` removes only what `apply` made.
public struct ClusterProvisioner: Sendable {
    /// In the description of every service account and key apply creates: destroy deletes only these.
    public static let marker = "managed by cluster-provision"
    static let adminName = "cluster-admin"

    public let settings: ClusterProvisionSettings
    public let cloud: ConfluentCloudClient
    let http: HTTPClient
    /// For the Kafka REST clients made for each key, at the level of `http`'s.
    let httpLogger: Logger
    let progress: @Sendable (String) -> Void

    public init(
        settings: ClusterProvisionSettings, cloud: ConfluentCloudClient, http: HTTPClient,
        httpLogger: Logger = Logger(label: "http"), progress: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.settings = settings
        self.cloud = cloud
        self.http = http
        self.httpLogger = httpLogger
        self.progress = progress
    }

    // MARK: Plan and apply: one walk, that either only reads or also writes

    public func plan() async throws -> ClusterPlan { try await reconcile(apply: false) }

    /// Creates what is missing, waiting for the cluster to be PROVISIONED and each new key to be accepted.
    public func apply() async throws -> ClusterPlan { try await reconcile(apply: true) }

    func reconcile(apply: Bool) async throws -> ClusterPlan {
        var plan = ClusterPlan()
        let owner = try await cloudKeyOwner()

        // The cluster.
        let name = settings.cluster.name
        var cluster = try await findCluster()
        if var existing = cluster {
            let id = existing.id ?? "?"
            plan.add(.keep, "cluster \(name)", "\(id), \(existing.spec.config.kind), \(existing.spec.cloud) \(existing.spec.region), \(existing.status?.phase ?? "?")")
            if existing.spec.config.kind != settings.cluster.kind.rawValue || existing.spec.region != settings.region
                || existing.spec.cloud != settings.cluster.cloud.rawValue
            {
                plan.notes.append(
                    "cluster \(name) is \(existing.spec.config.kind) in \(existing.spec.cloud) \(existing.spec.region), "
                        + "not as configured (\(settings.clusterDescription)): apply does not change a cluster")
            }
            if existing.status?.phase == "FAILED" { throw failed(existing) }
            if apply, existing.status?.phase != "PROVISIONED" {
                existing = try await waitUntilProvisioned(existing)
                cluster = existing
            }
        } else {
            plan.add(.create, "cluster \(name)", settings.clusterDescription)
            if apply {
                progress("creating cluster \(name) (\(settings.clusterDescription))")
                let created = try await cloud.createCluster(
                    ConfluentCluster.Spec(
                        display_name: name, availability: settings.cluster.availability.rawValue,
                        cloud: settings.cluster.cloud.rawValue, region: settings.region, config: settings.clusterConfig,
                        environment: ConfluentReference(id: settings.environment)))
                cluster = try await waitUntilProvisioned(created)
            }
        }
        let ready = cluster.flatMap { $0.status?.phase == "PROVISIONED" ? $0 : nil }
        let clusterID = cluster?.id
        if let admin = settings.adminCredentials, let clusterID {
            try await checkAdminKey(admin, clusterID: clusterID)
        }

        // Service accounts.
        var accounts: [String: String] = [:]
        for program in settings.access.programs {
            let found = try await cloud.serviceAccounts(named: program.serviceAccountName)
            guard found.count <= 1 else {
                throw ConfluentInputError(
                    "\(found.count) service accounts are named \(program.serviceAccountName); delete the extra ones or "
                        + "rename kafka.cluster.name", code: .ambiguousName)
            }
            if let account = found.first, let id = account.id {
                accounts[program.name] = id
                plan.add(.keep, "service account \(program.serviceAccountName)", id)
            } else {
                plan.add(.create, "service account \(program.serviceAccountName)", "for \(program.name): \(program.purpose)")
                if apply {
                    let created = try await cloud.createServiceAccount(
                        name: program.serviceAccountName,
                        description: "\(program.name) of the image pipeline; \(Self.marker)")
                    accounts[program.name] = created.id
                    progress("created service account \(program.serviceAccountName) (\(created.id ?? "?"))")
                }
            }
        }

        // The key that manages ACLs.
        var admin = settings.adminCredentials
        var newKeys: [(String, ConfluentCredentials)] = []
        if admin == nil {
            let file = SecretsFile(directory: settings.secretsDirectory, name: Self.adminName)
            if let clusterID, let saved = file.read(), let key = try await cloud.apiKey(id: saved.apiKey),
                key.spec.resource?.id == clusterID
            {
                admin = saved
                plan.add(.keep, "API key \(Self.adminName)", "\(saved.apiKey), owned by \(owner), secret in \(file.path)")
            } else {
                plan.add(.create, "API key \(Self.adminName)", "owned by \(owner) (the Cloud API key's owner), to manage ACLs; secret to \(file.path)")
                if apply, clusterID != nil {
                    let created = try await createKey(
                        name: "\(name)-\(Self.adminName)", owner: owner, cluster: ready, file: file,
                        what: "ACL management by cluster-provision")
                    admin = created
                    newKeys.append((Self.adminName, created))
                }
            }
        }

        // Each program's key.
        for program in settings.access.programs {
            let file = SecretsFile(directory: settings.secretsDirectory, name: program.name)
            guard let account = accounts[program.name], let clusterID else {
                plan.add(.create, "API key for \(program.name)", "scoped to the cluster; secret to \(file.path) (mode 0600)")
                continue
            }
            let keys = try await cloud.apiKeys(owner: account, resource: clusterID)
            let saved = file.read()
            if let saved, keys.contains(where: { $0.id == saved.apiKey }) {
                plan.add(.keep, "API key for \(program.name)", "\(saved.apiKey), secret in \(file.path)")
            } else if let key = keys.first {
                plan.add(.keep, "API key for \(program.name)", key.id ?? "?")
                plan.notes.append(
                    "\(program.serviceAccountName) already has API key \(key.id ?? "?") for \(clusterID), but \(file.path) does "
                        + "not hold its secret: apply never replaces a key; put the secret there, or delete the key and apply again")
            } else {
                plan.add(.create, "API key for \(program.name)", "scoped to \(clusterID); secret to \(file.path) (mode 0600)")
                if apply {
                    let created = try await createKey(
                        name: "\(name)-\(program.name)", owner: account, cluster: ready, file: file, what: program.name)
                    newKeys.append((program.name, created))
                }
            }
        }

        // ACLs, through the cluster's REST endpoint with the admin key.
        let endpoint = ready?.spec.http_endpoint
        if apply, let admin, newKeys.contains(where: { $0.0 == Self.adminName }), let endpoint, let clusterID {
            try await waitUntilAccepted(Self.adminName, admin, endpoint: endpoint, clusterID: clusterID)
        }
        for program in settings.access.programs {
            guard let account = accounts[program.name], let admin, let endpoint, let clusterID else {
                for acl in program.acls(principal: "User:<\(program.serviceAccountName)>") {
                    plan.add(.create, "ACL \(acl)")
                }
                continue
            }
            let rest = restClient(endpoint: endpoint, clusterID: clusterID, credentials: admin)
            let principal = "User:\(account)"
            let existing = Set(try await aclCall(admin) { try await rest.acls(principal: principal) })
            let wanted = program.acls(principal: principal)
            for acl in wanted {
                if existing.contains(acl) {
                    plan.add(.keep, "ACL \(acl)")
                    continue
                }
                plan.add(.create, "ACL \(acl)")
                if apply { try await aclCall(admin) { try await rest.createACL(acl) } }
            }
            for extra in existing.subtracting(wanted).sorted() {
                plan.notes.append("ACL \(extra) is not declared; apply leaves it alone")
            }
        }

        // New program keys must work before anything uses them.
        if apply, let endpoint, let clusterID {
            for (name, credentials) in newKeys where name != Self.adminName {
                try await waitUntilAccepted(name, credentials, endpoint: endpoint, clusterID: clusterID)
            }
        }
        return plan
    }

    // MARK: Status and destroy

    public func status() async throws -> ClusterPlan {
        var status = try await plan()
        status.items = status.items.filter { $0.action == .keep }
        return status
    }

    /// Removes, in reverse order, what `apply` made: the declared ACLs, the keys and service accounts carrying the
    /// marker, the env files of deleted keys, and the cluster.
    public func destroy(run: Bool) async throws -> ClusterPlan {
        var plan = ClusterPlan()
        let owner = try await cloudKeyOwner()
        let cluster = try await findCluster()
        let endpoint = cluster?.status?.phase == "PROVISIONED" ? cluster?.spec.http_endpoint : nil
        let adminFile = SecretsFile(directory: settings.secretsDirectory, name: Self.adminName)
        let admin = settings.adminCredentials ?? adminFile.read()
        for program in settings.access.programs {
            guard let account = try await cloud.serviceAccounts(named: program.serviceAccountName).first, let id = account.id
            else { continue }
            if let cluster, let clusterID = cluster.id {
                if let endpoint, let admin {
                    let rest = restClient(endpoint: endpoint, clusterID: clusterID, credentials: admin)
                    let existing = Set(try await aclCall(admin) { try await rest.acls(principal: "User:\(id)") })
                    for acl in program.acls(principal: "User:\(id)") where existing.contains(acl) {
                        plan.add(.delete, "ACL \(acl)")
                        if run { try await aclCall(admin) { try await rest.deleteACL(acl) } }
                    }
                }
                for key in try await cloud.apiKeys(owner: id, resource: clusterID) {
                    guard let keyID = key.id else { continue }
                    guard key.spec.description?.contains(Self.marker) == true else {
                        plan.notes.append("API key \(keyID) of \(program.serviceAccountName) was not made by cluster-provision: left alone")
                        continue
                    }
                    plan.add(.delete, "API key for \(program.name)", keyID)
                    if run {
                        try await cloud.deleteAPIKey(id: keyID)
                        let file = SecretsFile(directory: settings.secretsDirectory, name: program.name)
                        if file.read()?.apiKey == keyID { file.remove() }
                    }
                }
            }
            guard account.description?.contains(Self.marker) == true else {
                plan.notes.append("service account \(program.serviceAccountName) (\(id)) was not made by cluster-provision: left alone")
                continue
            }
            plan.add(.delete, "service account \(program.serviceAccountName)", id)
            if run { try await cloud.deleteServiceAccount(id: id) }
        }
        if let cluster, let clusterID = cluster.id {
            if settings.adminCredentials == nil, let saved = adminFile.read(),
                let key = try await cloud.apiKey(id: saved.apiKey), key.spec.description?.contains(Self.marker) == true
            {
                plan.add(.delete, "API key \(Self.adminName)", "\(saved.apiKey), owned by \(owner)")
                if run {
                    try await cloud.deleteAPIKey(id: saved.apiKey)
                    adminFile.remove()
                }
            }
            plan.add(.delete, "cluster \(settings.cluster.name)", "\(clusterID) and every topic and message in it")
            if run { try await cloud.deleteCluster(id: clusterID, environment: settings.environment) }
        }
        return plan
    }

    // MARK: Pieces

    /// Reads the Cloud API key itself: this proves it is a Cloud key (a cluster key is refused by the Cloud API),
    /// and names its owner, who owns the ACL-managing key too.
    func cloudKeyOwner() async throws -> String {
        let keyID = cloud.credentials.apiKey
        let key: ConfluentAPIKey?
        do {
            key = try await cloud.apiKey(id: keyID)
        } catch let error as ConfluentError where error.isAuthenticationFailure {
            throw ConfluentInputError(
                "CONFLUENT_CLOUD_API_KEY \(keyID) was refused by the Cloud API: it needs a Cloud API key "
                    + "(`confluent api-key create --resource cloud`), not a Kafka cluster key, and its secret", code: .wrongKey)
        }
        guard let key, let owner = key.spec.owner?.id else {
            throw ConfluentInputError(
                "CONFLUENT_CLOUD_API_KEY \(keyID): the Cloud API does not know this key", code: .wrongKey)
        }
        if let resource = key.spec.resource?.id, resource.hasPrefix("lkc-") {
            throw ConfluentInputError(
                "CONFLUENT_CLOUD_API_KEY \(keyID) is scoped to cluster \(resource); use a Cloud API key "
                    + "(`confluent api-key create --resource cloud`)", code: .wrongKey)
        }
        return owner
    }

    func checkAdminKey(_ admin: ConfluentCredentials, clusterID: String) async throws {
        let key = try await cloud.apiKey(id: admin.apiKey)
        guard let resource = key?.spec.resource?.id else {
            throw ConfluentInputError(
                "KAFKA_API_KEY \(admin.apiKey) is not a key Confluent Cloud knows", code: .wrongKey)
        }
        guard resource == clusterID else {
            throw ConfluentInputError(
                "KAFKA_API_KEY \(admin.apiKey) is scoped to \(resource), not to cluster \(clusterID); unset it to let "
                    + "cluster-provision make its own, or use a key of \(clusterID)", code: .wrongKey)
        }
    }

    func findCluster() async throws -> ConfluentCluster? {
        let named = try await cloud.clusters(environment: settings.environment)
            .filter { $0.spec.display_name == settings.cluster.name }
        guard named.count <= 1 else {
            throw ConfluentInputError(
                "\(named.count) clusters in \(settings.environment) are named \(settings.cluster.name): "
                    + "rename one, or set kafka.cluster.name to tell them apart", code: .ambiguousName)
        }
        return named.first
    }

    func failed(_ cluster: ConfluentCluster) -> ConfluentError {
        ConfluentError(
            code: .clusterFailed, operation: "provision cluster \(cluster.spec.display_name) (\(cluster.id ?? "?"))",
            reason: "Confluent reports status.phase FAILED for \(cluster.spec.config.kind) in \(cluster.spec.cloud) "
                + "\(cluster.spec.region); run destroy, check the region and type are offered to your organization, and apply again")
    }

    func waitUntilProvisioned(_ cluster: ConfluentCluster) async throws -> ConfluentCluster {
        guard let id = cluster.id else {
            throw ConfluentError(code: .unexpectedResponse, operation: "create cluster", reason: "the answer has no id")
        }
        var current = cluster
        try await poll("cluster \(current.spec.display_name) (\(id))") {
            if current.status?.phase == "PROVISIONED" { return nil }
            if current.status?.phase == "FAILED" { throw failed(current) }
            guard let next = try await cloud.cluster(id: id, environment: settings.environment) else {
                throw ConfluentError(
                    code: .httpStatus(404), operation: "wait for cluster \(id)", status: 404, reason: "the cluster disappeared")
            }
            current = next
            if current.status?.phase == "PROVISIONED" { return nil }
            if current.status?.phase == "FAILED" { throw failed(current) }
            return current.status?.phase ?? "no phase yet"
        }
        return current
    }

    /// Two successful authenticated reads in a row: one can land on a broker that has the key while another
    /// still answers 401.
    func waitUntilAccepted(_ name: String, _ credentials: ConfluentCredentials, endpoint: String, clusterID: String)
        async throws
    {
        let rest = restClient(endpoint: endpoint, clusterID: clusterID, credentials: credentials)
        var successes = 0
        try await poll("API key \(credentials.apiKey) for \(name)") {
            while true {
                let status = try await rest.probe()
                guard status == 200 else {
                    successes = 0
                    return "not accepted yet (HTTP \(status))"
                }
                successes += 1
                if successes >= 2 { return nil }
            }
        }
    }

    /// Calls `step` until it returns nil, sleeping between calls (doubling up to 30 s) and reporting each state
    /// it returns; gives up after the timeout.
    func poll(_ what: String, _ step: () async throws -> String?) async throws {
        let clock = ContinuousClock()
        let start = clock.now
        var interval = settings.pollInterval
        while let state = try await step() {
            let elapsed = clock.now - start
            guard elapsed < settings.timeout else {
                throw ConfluentError(
                    code: .timedOut, operation: "wait for \(what)",
                    reason: "still \(state) after \(settings.timeout); it carries on at Confluent: run apply again "
                        + "later, or raise --wait-timeout")
            }
            progress("waiting for \(what): \(state) (\(elapsed.components.seconds)s)")
            try await Task.sleep(for: min(interval, settings.timeout - elapsed))
            interval = min(interval * 2, .seconds(30))
        }
    }

    /// Creates a key on the provisioned cluster and writes it, with where to find the cluster, to `file`.
    func createKey(
        name: String, owner: String, cluster: ConfluentCluster?, file: SecretsFile, what: String
    ) async throws -> ConfluentCredentials {
        guard let cluster, let clusterID = cluster.id else {
            throw ConfluentError(
                code: .clusterFailed, operation: "create API key \(name)", reason: "the cluster is not provisioned")
        }
        let key = try await cloud.createAPIKey(
            name: name, description: "\(what) on \(clusterID); \(Self.marker)", owner: owner, cluster: clusterID,
            environment: settings.environment)
        guard let id = key.id, let secret = key.spec.secret else {
            throw ConfluentError(
                code: .unexpectedResponse, operation: "create API key \(name)", reason: "the answer holds no id or secret")
        }
        let settings = [
            (SecretsFile.bootstrapVariable, cluster.bootstrapServers), ("KAFKA_ID", clusterID),
            ("KAFKA_REST_ENDPOINT", cluster.spec.http_endpoint),
        ].compactMap { name, value in value.map { (name, $0) } }
        try file.write(
            key: id, secret: secret, settings: settings,
            comment: "Confluent Cloud API key \(id) (\(what), cluster \(clusterID)), \(Self.marker). "
                + "kubectl create secret generic NAME --from-env-file=\(file.path)")
        progress("created API key \(id) for \(what); its secret is in \(file.path) (mode 0600) and nowhere else")
        return ConfluentCredentials(apiKey: id, apiSecret: secret)
    }

    /// A Kafka REST client whose logs and errors mask this key's secret too.
    func restClient(endpoint: String, clusterID: String, credentials: ConfluentCredentials) -> KafkaRestClient {
        var configuration = http.configuration
        configuration.redactor = credentials.redacting(configuration.redactor)
        return KafkaRestClient(
            endpoint: endpoint, clusterID: clusterID, credentials: credentials,
            http: HTTPClient(configuration: configuration, logger: httpLogger))
    }

    /// Turns a 403 on an ACL call into what to do about it.
    func aclCall<Value>(_ admin: ConfluentCredentials, _ body: () async throws -> Value) async throws -> Value {
        do {
            return try await body()
        } catch let error as ConfluentError where error.isAuthorizationFailure {
            throw ConfluentError(
                code: error.code, operation: error.operation, status: error.status,
                reason: "\(error.reason); API key \(admin.apiKey) may not manage ACLs on this cluster: give its owner "
                    + "the CloudClusterAdmin role on it, or set KAFKA_API_KEY and KAFKA_API_SECRET to a key that has it")
        }
    }
}
