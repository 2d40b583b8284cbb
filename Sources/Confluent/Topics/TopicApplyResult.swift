/// What `apply` did to one topic.
public struct TopicApplyResult: Sendable, Equatable, Codable {
    public enum Outcome: String, Sendable, Codable {
        /// Created now (or, with validate-only, the cluster said it could be).
        case created
        /// Found already there, whether or not it then needed changes; treated as success.
        case alreadyExisted = "already_existed"
        case updated
        case unchanged
        /// Validate-only: the cluster accepted the change without making it.
        case validated
    }

    public let topic: String
    public let outcome: Outcome
    /// What was done, one line each, such as "partitions 3 -> 6".
    public let details: [String]
}
