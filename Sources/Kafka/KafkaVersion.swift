/// A librdkafka version, comparable.
public struct KafkaVersion: Comparable, Sendable, CustomStringConvertible {
    public let major: Int
    public let minor: Int
    public let patch: Int

    public init(major: Int, minor: Int, patch: Int) {
        self.major = major
        self.minor = minor
        self.patch = patch
    }

    /// From librdkafka's packed hex form `0xMMmmrrxx`.
    init(packed: Int32) {
        self.init(major: Int((packed >> 24) & 0xFF), minor: Int((packed >> 16) & 0xFF), patch: Int((packed >> 8) & 0xFF))
    }

    public static func < (lhs: KafkaVersion, rhs: KafkaVersion) -> Bool {
        (lhs.major, lhs.minor, lhs.patch) < (rhs.major, rhs.minor, rhs.patch)
    }

    public var description: String { "\(major).\(minor).\(patch)" }
}
