/// How each message is keyed: by image id (the default, so a partition's order follows ids), a random key
/// (spreads evenly), or none (librdkafka's sticky partitioner batches best).
public enum KeyStrategy: String, Sendable, CaseIterable {
    case imageID = "image-id"
    case random
    case none
}
