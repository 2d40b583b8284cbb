import Foundation

/// A message to produce. `partition` nil lets the partitioner choose (by key hash, or sticky without a key).
public struct KafkaOutgoingMessage: Sendable {
    public var topic: String
    public var partition: Int32?
    public var key: Data?
    public var value: Data
    public var headers: [KafkaHeader]

    public init(topic: String, partition: Int32? = nil, key: Data? = nil, value: Data, headers: [KafkaHeader] = []) {
        self.topic = topic
        self.partition = partition
        self.key = key
        self.value = value
        self.headers = headers
    }
}
