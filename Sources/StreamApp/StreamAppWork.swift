import Foundation
import Kafka
import PipelineMessages

/// A message waiting for, or in, a model request, with the generation of its partition's work.
struct StreamAppWorkItem: Sendable {
    let work: StreamAppWork
    let generation: Int
}

/// A message read, with what the stream app needs to process it.
struct StreamAppWork: Sendable {
    let message: KafkaMessage
    let readAt: ContinuousClock.Instant

    var partition: TopicPartition { TopicPartition(topic: message.topic, partition: message.partition) }

    /// The `image-id` header; else the key; else the message's coordinates.
    var imageID: String {
        message.headers.string(named: ImageMessageHeaders.imageID)
            ?? message.key.map { String(decoding: $0, as: UTF8.self) }
            ?? "\(message.topic)/\(message.partition)/\(message.offset)"
    }
}
