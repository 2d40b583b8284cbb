import Foundation

/// A resource as `status` and the apply summary report it.
public struct ModelProvisionResource: Sendable, Equatable, Encodable {
    /// `model`, `version`, `endpoint` or `deployment`.
    public var kind: String
    public var name: String
    public var exists: Bool
    /// Facts worth showing: state, artifact, machine type, replicas, traffic, deployed model id.
    public var details: [String: String]

    public init(kind: String, name: String, exists: Bool, details: [String: String] = [:]) {
        self.kind = kind
        self.name = name
        self.exists = exists
        self.details = details
    }
}

/// What `status` prints, and what `apply` prints when it is done.
public struct ModelProvisionStatus: Sendable, Equatable, Encodable {
    public var api: String
    public var project: String
    public var region: String
    public var resources: [ModelProvisionResource]
    /// Where predictions are sent, once everything exists.
    public var predictURL: String?
    /// Operations started with `--async` and not waited for.
    public var pendingOperations: [String]

    public var rendered: [String] {
        var lines = ["\(api) in project \(project), region \(region)"]
        for resource in resources {
            let details = resource.details.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            lines.append(
                "  \(resource.kind) \(resource.name): \(resource.exists ? "exists" : "missing")"
                    + (details.isEmpty ? "" : " (\(details.joined(separator: ", ")))"))
        }
        if let predictURL { lines.append("  predict URL: \(predictURL)") }
        lines += pendingOperations.map { "  operation still running: \($0)" }
        return lines
    }
}
