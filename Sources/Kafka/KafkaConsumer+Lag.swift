extension KafkaConsumer {
    /// Consumer lag of these partitions, each counted from its `offset` (the committed offset, say; a logical offset
    /// such as `KafkaTopicPartitionOffset.beginning` counts from the low watermark).
    ///
    /// Never blocks, so the polling thread may call it. The high watermark is the newer of what the last fetch from
    /// the partition brought and what its leader last answered to a query, which this consumer sends on a queue of
    /// its own at most once per `refreshInterval`. The fetched watermarks alone would be missing until the first
    /// fetch and stale while the partition is paused; the query alone would lag behind a busy partition.
    /// A partition with no watermarks known yet is left out.
    public func lag(of positions: [KafkaTopicPartitionOffset], refreshInterval: Duration = .seconds(5))
        -> [KafkaPartitionLag]
    {
        lagWatermarks.refreshIfDue(positions.map { KafkaTopicPartition($0.topic, $0.partition) }, every: refreshInterval)
        return positions.compactMap { position in
            let key = KafkaTopicPartition(position.topic, position.partition)
            let fetched = client.cachedWatermarks(topic: position.topic, partition: position.partition)
            guard let marks = KafkaWatermarks.newer(fetched.map(KafkaWatermarks.init), lagWatermarks[key]) else {
                return nil
            }
            return KafkaPartitionLag(
                topic: position.topic, partition: position.partition, highWatermark: marks.high,
                position: position.offset >= 0 ? position.offset : marks.low)
        }
    }
}
