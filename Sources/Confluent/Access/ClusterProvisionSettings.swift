import Foundation
import PipelineConfig

/// What `cluster-provision` manages, after flags, environment and configuration are merged and checked.
public struct ClusterProvisionSettings: Sendable {
    /// `env-…`.
    public var environment: String
    public var cluster: ConfluentClusterSettings
    /// The region, resolved (`kafka.cluster.region`, else `google.region`).
    public var region: String
    public var access: PipelineAccess
    /// Where each program's env file goes. Default in the tool: `.secrets/confluent`.
    public var secretsDirectory: String
    /// A cluster API key able to manage ACLs (`KAFKA_API_KEY`), when the user brings one; otherwise apply keeps
    /// its own, owned by the Cloud API key's owner, in `cluster-admin.env`.
    public var adminCredentials: ConfluentCredentials?
    /// Gives up waiting for the cluster or a key after this long.
    public var timeout: Duration
    /// First wait between polls; doubles up to 30 s.
    public var pollInterval: Duration

    public init(
        environment: String, cluster: ConfluentClusterSettings, region: String, access: PipelineAccess,
        secretsDirectory: String, adminCredentials: ConfluentCredentials?, timeout: Duration, pollInterval: Duration
    ) {
        self.environment = environment
        self.cluster = cluster
        self.region = region
        self.access = access
        self.secretsDirectory = secretsDirectory
        self.adminCredentials = adminCredentials
        self.timeout = timeout
        self.pollInterval = pollInterval
    }

    /// Checks what can be checked without a request; the first problem, as one sentence.
    public func validate() throws {
        try ConfluentInputError.checkID(
            environment, prefix: "env-", what: "environment id",
            source: "--environment, CONFLUENT_ENVIRONMENT_ID or kafka.environment")
        if cluster.cloud == .gcp, let problem = GoogleCloudRegions.problem(with: region) {
            throw ConfluentInputError("kafka.cluster.region: \(problem)")
        }
        guard region.range(of: "^[a-z]+[a-z0-9-]*[0-9a-z]$", options: .regularExpression) != nil else {
            throw ConfluentInputError("kafka.cluster.region '\(region)' is not a cloud region such as us-east-1 or eastus")
        }
        if cluster.kind == .basic, cluster.availability == .multiZone {
            throw ConfluentInputError("a Basic cluster is single-zone only: use type: Standard for MULTI_ZONE")
        }
    }

    var clusterConfig: ConfluentCluster.Config {
        ConfluentCluster.Config(kind: cluster.kind.rawValue, cku: cluster.kind == .dedicated ? cluster.dedicatedCKUs : nil)
    }

    var clusterDescription: String {
        "\(cluster.kind.rawValue)\(cluster.kind == .dedicated ? " \(cluster.dedicatedCKUs) CKU" : ""), "
            + "\(cluster.cloud.rawValue) \(region), \(cluster.availability.rawValue), in \(environment)"
    }
}
