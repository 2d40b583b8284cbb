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

extension Data {
    /// The UTF-8 bytes of a string, copied straight from its storage: `Data(string.utf8)` goes through a generic
    /// sequence initializer with dynamic casts, which shows up when millions of headers are built.
    public init(utf8Of string: String) {
        var string = string
        self = string.withUTF8 { Data(buffer: $0) }
    }
}

extension Array where Element == KafkaHeader {
    /// The value of the last header with this name, as Kafka clients conventionally read a repeated header.
    public func value(named name: String) -> Data? {
        last { $0.name == name }?.value
    }

    public func string(named name: String) -> String? {
        value(named: name).map { String(decoding: $0, as: UTF8.self) }
    }
}

/// A record read from Kafka.
public struct KafkaMessage: Sendable {
    public let topic: String
    public let partition: Int32
    public let offset: Int64
    public let key: Data?
    public let value: Data
    public let headers: [KafkaHeader]
    /// Milliseconds since the epoch, as the producer or broker stamped it; nil when the record has none.
    public let timestampMilliseconds: Int64?
}

/// A position in a partition: the next offset to read, or the offset to commit (the last processed plus one).
public struct KafkaTopicPartitionOffset: Sendable, Hashable {
    public var topic: String
    public var partition: Int32
    public var offset: Int64

    public init(topic: String, partition: Int32, offset: Int64) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
    }

    /// librdkafka's logical offsets.
    public static let beginning: Int64 = -2
    public static let end: Int64 = -1
    public static let stored: Int64 = -1000
}
