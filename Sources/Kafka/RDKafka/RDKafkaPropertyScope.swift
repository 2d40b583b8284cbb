/// Which kind of client reads a librdkafka property, from the "C/P" column of librdkafka's CONFIGURATION.md
/// (2.0.2 and 2.15): one set of properties can then serve a producer and a consumer alike, and neither is handed
/// what only the other reads (librdkafka would log a CONFWARN warning for each one at every start).
/// A property missing here, such as one a newer librdkafka adds, is given to both kinds.
enum RDKafkaPropertyScope {
    /// Properties only producers read.
    static let producerOnly: Set<String> = [
        "acks", "batch.num.messages", "batch.size", "compression.codec", "compression.level", "compression.type",
        "delivery.report.only.error", "delivery.timeout.ms", "enable.gapless.guarantee", "enable.idempotence",
        "linger.ms", "message.send.max.retries", "message.timeout.ms", "partitioner", "produce.offset.report",
        "queue.buffering.backpressure.threshold", "queue.buffering.max.kbytes", "queue.buffering.max.messages",
        "queue.buffering.max.ms", "queuing.strategy", "request.required.acks", "request.timeout.ms", "retries",
        "sticky.partitioning.linger.ms", "transaction.timeout.ms", "transactional.id",
    ]

    /// Properties only consumers read.
    static let consumerOnly: Set<String> = [
        "auto.commit.enable", "auto.commit.interval.ms", "auto.offset.reset", "check.crcs",
        "consume.callback.max.messages", "coordinator.query.interval.ms", "enable.auto.commit",
        "enable.auto.offset.store", "enable.partition.eof", "fetch.error.backoff.ms", "fetch.max.bytes",
        "fetch.message.max.bytes", "fetch.min.bytes", "fetch.queue.backoff.ms", "fetch.wait.max.ms", "group.id",
        "group.instance.id", "group.protocol", "group.protocol.type", "group.remote.assignor",
        "heartbeat.interval.ms", "isolation.level", "max.partition.fetch.bytes", "max.poll.interval.ms",
        "max.poll.records", "offset.store.method", "offset.store.path", "offset.store.sync.interval.ms",
        "partition.assignment.strategy", "queued.max.messages.kbytes", "queued.min.messages", "session.timeout.ms",
        "share.acknowledgement.mode",
    ]

    /// Properties that an older librdkafka gave to producers only, and the first version that gives them to both
    /// (the retry backoffs of KIP-580 became every client's in 2.5.0).
    static let producerOnlyBefore: [String: KafkaVersion] = [
        "retry.backoff.ms": KafkaVersion(major: 2, minor: 5, patch: 0),
        "retry.backoff.max.ms": KafkaVersion(major: 2, minor: 5, patch: 0),
    ]

    /// Whether a client of this kind, on the linked librdkafka, reads the property.
    static func applies(_ key: String, to kind: RDKafkaClient.Kind, linked: KafkaVersion) -> Bool {
        switch kind {
        case .producer:
            return !consumerOnly.contains(key)
        case .consumer:
            if producerOnly.contains(key) { return false }
            return producerOnlyBefore[key].map { linked >= $0 } ?? true
        }
    }
}
