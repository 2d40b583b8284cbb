/// Every declared topic with what it needs, in declaration order.
public struct TopicPlan: Sendable, Equatable {
    public let entries: [TopicPlanEntry]

    public init(entries: [TopicPlanEntry]) {
        self.entries = entries
    }

    /// Whether `apply` would change anything.
    public var hasChanges: Bool { entries.contains { $0.action == .create || $0.action == .update } }

    public var refusals: [String] { entries.flatMap(\.refusals) }

    public func count(_ action: TopicPlanEntry.Action) -> Int { entries.filter { $0.action == action }.count }
}
