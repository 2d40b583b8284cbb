import Foundation

/// A Kafka record header. A header may carry no value at all, which differs from an empty one.
public struct KafkaHeader: Sendable, Equatable {
    public var name: String
    public var value: Data?

    public init(_ name: String, _ value: Data?) {
        self.name = name
        self.value = value
    }

    public init(_ name: String, _ value: String) {
        self.init(name, Data(utf8Of: value))
    }
}
