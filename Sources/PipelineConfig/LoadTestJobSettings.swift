/// The distributed load test, an Indexed Job of `image-loadgen` pods (`kubernetes.load_test`); its profile and
/// worker count are `load:`.
public struct LoadTestJobSettings: Sendable, Equatable {
    /// A PersistentVolumeClaim to keep the JSON reports in. Default: none (an emptyDir; the summaries stay in the
    /// pod logs).
    public var reportsClaim: String?
    public var resources = ResourceSettings(cpuRequest: "500m", memoryRequest: "256Mi", cpuLimit: "1", memoryLimit: "512Mi")

    public init() {}

    init(_ reader: ConfigReader) throws(ConfigurationError) {
        try reader.rejectUnknownKeys(["reports_claim", "resources"])
        reportsClaim = try reader.string("reports_claim")
        resources = try ResourceSettings(try reader.child("resources"), defaults: resources)
        if let reportsClaim, let problem = KubernetesNames.subdomainProblem(reportsClaim) {
            throw reader.error("reports_claim", problem)
        }
    }
}
