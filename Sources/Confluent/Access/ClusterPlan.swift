import Foundation

/// What `plan` shows and `apply` did: a line per resource, in the order apply goes, and notes.
public struct ClusterPlan: Sendable, Equatable {
    public enum Action: String, Sendable {
        case create, delete, keep
    }

    public struct Item: Sendable, Equatable {
        public var action: Action
        /// `cluster image-pipeline`, `service account image-pipeline-inference-app`, `ACL ALLOW User:sa-1 READ …`.
        public var resource: String
        /// Ids, types, where a secret went; never a secret.
        public var detail: String?
    }

    public var items: [Item] = []
    public var notes: [String] = []

    public var changes: [Item] { items.filter { $0.action != .keep } }

    mutating func add(_ action: Action, _ resource: String, _ detail: String? = nil) {
        items.append(Item(action: action, resource: resource, detail: detail))
    }

    public func rendered(heading: String) -> [String] {
        var lines = [heading]
        for item in items {
            let symbol = switch item.action {
            case .create: "+ create"
            case .delete: "- delete"
            case .keep: "="
            }
            lines.append("  \(symbol) \(item.resource)" + (item.detail.map { ": \($0)" } ?? (item.action == .keep ? ": exists" : "")))
        }
        lines += notes.map { "  ! \($0)" }
        let count = changes.count
        lines.append(count == 0 ? "Nothing to do." : "\(count) change\(count == 1 ? "" : "s"), \(items.count - count) unchanged.")
        return lines
    }

    public var jsonObject: [String: Any] {
        [
            "items": items.map { item -> [String: Any] in
                var object: [String: Any] = ["action": item.action.rawValue, "resource": item.resource]
                if let detail = item.detail { object["detail"] = detail }
                return object
            },
            "notes": notes,
        ]
    }
}
