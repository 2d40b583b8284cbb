import Foundation

extension Array where Element == KafkaHeader {
    /// The value of the last header with this name, as Kafka clients conventionally read a repeated header.
    public func value(named name: String) -> Data? {
        last { $0.name == name }?.value
    }

    public func string(named name: String) -> String? {
        value(named: name).map { String(decoding: $0, as: UTF8.self) }
    }
}
