/// What `destroy` did to one topic.
public struct TopicDestroyResult: Sendable, Equatable, Codable {
    public let topic: String
    /// False when it did not exist.
    public let deleted: Bool
}
