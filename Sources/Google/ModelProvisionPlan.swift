import Foundation
import HTTP

/// One change `apply` or `destroy` makes: a REST call, and whether Google answers it with an operation to wait for.
public struct ModelProvisionStep: Sendable, Equatable {
    public enum Action: String, Sendable, Encodable {
        case create, deploy, setDefault = "set-default", undeploy, delete
    }

    public var action: Action
    /// What the step acts on, e.g. `endpoint projects/p/locations/r/endpoints/e`.
    public var resource: String
    public var call: GoogleRESTCall
    public var returnsOperation: Bool
}

/// What exists and what would change.
public struct ModelProvisionPlan: Sendable, Equatable {
    public var steps: [ModelProvisionStep]
    /// Resources that are already as configured.
    public var unchanged: [String]
    /// Differences `apply` leaves alone, and other things worth knowing before going ahead.
    public var notes: [String]

    public var isEmpty: Bool { steps.isEmpty }

    /// The plan as `plan` prints it: a line per resource and the exact request under each change.
    public func rendered(heading: String, redactor: HTTPRedactor) -> [String] {
        var lines = [heading]
        lines += unchanged.map { "  = \($0): exists, nothing to do" }
        for step in steps {
            let symbol = [.create, .deploy, .setDefault].contains(step.action) ? "+" : "-"
            lines.append("  \(symbol) \(step.action.rawValue) \(step.resource)")
            lines += step.call.rendered(redactor: redactor).split(separator: "\n").map { "      \($0)" }
        }
        lines += notes.map { "  ! \($0)" }
        let changes = steps.count
        lines.append(changes == 0 ? "Nothing to do." : "\(changes) change\(changes == 1 ? "" : "s"), \(unchanged.count) unchanged.")
        return lines
    }

    /// The plan for `--output json`; bodies are embedded as JSON, masked like the text.
    public func jsonObject(redactor: HTTPRedactor) -> [String: Any] {
        [
            "steps": steps.map { step -> [String: Any] in
                var object: [String: Any] = [
                    "action": step.action.rawValue, "resource": step.resource, "method": step.call.method.rawValue,
                    "url": redactor.redact(step.call.url), "operation": step.returnsOperation,
                ]
                if let body = step.call.body,
                    let parsed = try? JSONSerialization.jsonObject(
                        with: Data(redactor.redact(String(decoding: body, as: UTF8.self)).utf8))
                {
                    object["body"] = parsed
                }
                return object
            },
            "unchanged": unchanged, "notes": notes,
        ]
    }
}

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
