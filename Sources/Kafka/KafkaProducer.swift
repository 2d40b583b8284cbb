import Foundation
import Logging

/// A Kafka producer whose delivery reports come back through `onDelivery`, called on one polling thread in the
/// order librdkafka reports them.
///
/// Idempotence is on by default (`enable.idempotence=true`), so retries after a lost connection neither lose nor
/// duplicate messages; any property can be overridden. Properties that only consumers read are left out, so one
/// set of properties can serve both.
///
/// Call `close()` when done. A producer released without it (an error thrown first, say) flushes in its `deinit`,
/// for up to `defaultCloseTimeout`, and logs how many messages it could not deliver; each of those is also reported
/// to `onDelivery` as failed. That flush blocks the releasing thread, as `close()` does: release a producer with
/// messages in flight from a thread of your own, not from Swift's cooperative pool.
public final class KafkaProducer: Sendable {
    private let poller: KafkaProducerPoller
    private let logger: Logger

    /// Defaults this library chooses; a user's property of the same name wins.
    public static let defaultProperties = KafkaProperties([
        "enable.idempotence": "true",
        "linger.ms": "5",
    ])

    /// How long `close()`, and a release without it, wait for outstanding deliveries. Default: 30 s.
    public static let defaultCloseTimeout = Duration.seconds(30)

    public init(
        properties: KafkaProperties, logger: Logger,
        onDelivery: @escaping @Sendable (KafkaDeliveryReport) -> Void
    ) throws {
        KafkaLibrary.warnIfUntested(properties: properties, logger: logger)
        let merged = Self.defaultProperties.merging(properties)
        let client = try RDKafkaClient(kind: .producer, properties: merged, servesEvents: true, logger: logger)
        poller = KafkaProducerPoller(client: client, logger: logger, onDelivery: onDelivery)
        self.logger = logger
        poller.start()
    }

    deinit {
        guard let outcome = poller.stop(timeout: Self.defaultCloseTimeout), outcome.pending > 0 else { return }
        let metadata: Logger.Metadata = [
            KafkaLoggingKeys.pendingMessages: "\(outcome.pending)",
            KafkaLoggingKeys.undeliveredMessages: "\(outcome.undelivered)",
        ]
        if outcome.undelivered > 0 {
            logger.error(
                "producer released without close(): \(outcome.undelivered) of \(outcome.pending) messages were not delivered",
                metadata: metadata)
        } else {
            logger.warning(
                "producer released without close(): flushed its \(outcome.pending) pending messages", metadata: metadata)
        }
    }

    /// Hands one message to librdkafka, which copies it. Blocks while librdkafka's queue is full, so a fast
    /// caller is slowed to what the cluster takes instead of failing. Every accepted message gets one report.
    public func send(_ message: KafkaOutgoingMessage, id: UInt64) throws {
        if let refusal = poller.refusal {
            throw refusal
        }
        while true {
            guard let error = poller.client.produce(message, id: id) else {
                poller.didAccept()
                return
            }
            guard error.code == .queueFull else { throw error }
            // The poller frees room as reports arrive; a short sleep keeps this loop off the CPU meanwhile.
            usleep(200)
        }
    }

    /// Messages handed to librdkafka whose report has not been delivered yet.
    public var inFlightCount: Int {
        poller.pendingMessages
    }

    /// Waits until every message has been reported, or the timeout passes.
    /// Blocks the calling thread: call it from a thread of your own, not from Swift's cooperative pool.
    public func flush(timeout: Duration) throws {
        guard poller.client.flush(timeout: timeout) else {
            throw KafkaError(code: .timedOut, reason: "\(inFlightCount) messages still in flight after \(timeout)")
        }
    }

    /// Flushes, then stops the polling thread. Messages still undelivered after `timeout` are reported as failed
    /// (purged), never silently dropped. Calling it again does nothing.
    public func close(timeout: Duration = defaultCloseTimeout) {
        _ = poller.stop(timeout: timeout)
    }

    public func metadata(topic: String? = nil, timeout: Duration = .seconds(10)) throws -> KafkaClusterMetadata {
        try poller.client.metadata(topic: topic, timeout: timeout)
    }
}
