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
