/// One managed config whose value on the cluster is not the declared one.
public struct TopicConfigChange: Sendable, Equatable, Codable {
    public let name: String
    /// Nil when the cluster reports no value for it.
    public let current: String?
    public let desired: String

    public init(name: String, current: String?, desired: String) {
        self.name = name
        self.current = current
        self.desired = desired
    }
}
