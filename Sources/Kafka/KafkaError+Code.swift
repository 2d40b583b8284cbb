extension KafkaError {
    /// librdkafka's response error code, kept open so that codes from a newer librdkafka still fit. Negative
    /// codes are librdkafka's own, positive ones the Kafka protocol's; both are stable across librdkafka versions.
    /// The named ones (`.queueFull`, `.transport`, …) are declared from librdkafka's own constants, in
    /// `RDKafka/KafkaError+RDKafka.swift`, so that this file needs no C.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }

        /// librdkafka's symbolic name, such as `_MSG_TIMED_OUT` or `UNKNOWN_TOPIC_OR_PART`.
        public var name: String { Self.symbolicName(of: rawValue) }
        public var description: String { name }
    }
}
