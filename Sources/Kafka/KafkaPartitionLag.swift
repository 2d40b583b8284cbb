/// Consumer lag of one partition.
public struct KafkaPartitionLag: Sendable, Hashable {
    public var topic: String
    public var partition: Int32
    /// The offset the next message written to the partition will get.
    public var highWatermark: Int64
    /// Where the lag counts from: the position asked about, or the low watermark for a logical offset.
    public var position: Int64
    /// Messages written and not yet read past `position`: `highWatermark - position`, never negative.
    public var lag: Int64

    public init(topic: String, partition: Int32, highWatermark: Int64, position: Int64) {
        self.topic = topic
        self.partition = partition
        self.highWatermark = highWatermark
        self.position = position
        lag = max(0, highWatermark - position)
    }
}
