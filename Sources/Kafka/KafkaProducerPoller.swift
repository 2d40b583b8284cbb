import Foundation
import Logging
import Synchronization

/// A producer's polling thread and all it needs: the client's main queue (which keeps the client alive), the
/// delivery handler and the shutdown state. The thread holds this, never the `KafkaProducer`, so that dropping
/// the last reference to a producer runs its `deinit`, which flushes.
final class KafkaProducerPoller: Sendable {
    let queue: RDKafkaQueue
    private let onDelivery: @Sendable (KafkaDeliveryReport) -> Void
    private let logger: Logger
    private let state = Mutex(State())
    private let finished = DispatchSemaphore(value: 0)
    /// Messages librdkafka accepted, and reports served: the difference is what it still holds. (Its own
    /// `outq_len` counts queued events and requests too.)
    private let accepted = Atomic(0)
    private let reported = Atomic(0)
    private static let threadKey = "kafka.producer.poller"

    private struct State {
        var stopping = false
        var fatal: KafkaError?
        /// Delivery reports with an error, since the start.
        var failedDeliveries = 0
    }

    /// How a stop went: the messages librdkafka still held when it began, and how many of them were not delivered
    /// (each was reported to `onDelivery` with its error).
    struct StopOutcome {
        let pending: Int
        let undelivered: Int
    }

    var client: RDKafkaClient { queue.client }

    init(client: RDKafkaClient, logger: Logger, onDelivery: @escaping @Sendable (KafkaDeliveryReport) -> Void) {
        queue = RDKafkaQueue(mainQueueOf: client)
        self.logger = logger
        self.onDelivery = onDelivery
    }

    func start() {
        let thread = Thread { [self] in
            Thread.current.threadDictionary[Self.threadKey] = ObjectIdentifier(self)
            run()
        }
        thread.name = "kafka-producer-poll"
        thread.start()
    }

    /// Messages librdkafka accepted whose report has not been served yet.
    var pendingMessages: Int {
        accepted.load(ordering: .acquiring) - reported.load(ordering: .acquiring)
    }

    /// Counts a message librdkafka accepted; its report is still to come.
    func didAccept() {
        accepted.add(1, ordering: .releasing)
    }

    /// Why the producer takes no more messages, if it does not.
    var refusal: KafkaError? {
        state.withLock { state in
            state.stopping ? KafkaError(code: .invalidArgument, reason: "Tried to produce with a closed producer") : state.fatal
        }
    }

    /// Flushes for up to `timeout`, then purges what is left, whose reports say so, and waits until the thread has
    /// served the last report and ended. Nil when the poller was already stopped, or when it cannot wait.
    func stop(timeout: Duration) -> StopOutcome? {
        let failedBefore: Int? = state.withLock { state in
            guard !state.stopping else { return nil }
            state.stopping = true
            return state.failedDeliveries
        }
        guard let failedBefore else { return nil }
        let pending = pendingMessages
        // Only this thread serves the reports that a flush waits for; called from a delivery handler (which let go
        // of the last reference to the producer), it cannot wait for them. The thread still serves them as they
        // come, and ends once none is left.
        if Thread.current.threadDictionary[Self.threadKey] as? ObjectIdentifier == ObjectIdentifier(self) {
            logger.warning("producer released inside its own delivery handler: not waiting for \(pending) messages")
            return nil
        }
        if !client.flush(timeout: timeout) {
            logger.warning("purging \(pendingMessages) undelivered messages after \(timeout)")
            client.purge()
            _ = client.flush(timeout: .seconds(5))
        }
        // Every purged message is reported within the last flush, so the thread ends at once; the bound only keeps a
        // librdkafka that breaks that promise from hanging the releasing thread.
        if finished.wait(timeout: .now() + 10) == .timedOut {
            logger.error("producer's polling thread did not end: \(pendingMessages) messages still unreported")
        }
        let failedAfter = state.withLock { $0.failedDeliveries }
        return StopOutcome(pending: pending, undelivered: failedAfter - failedBefore)
    }

    private func run() {
        while true {
            if let event = queue.poll(timeout: .milliseconds(100)) {
                handle(event)
            } else if state.withLock({ $0.stopping }) && pendingMessages == 0 {
                break
            }
        }
        finished.signal()
    }

    private func handle(_ event: RDKafkaEvent) {
        switch event {
        case .deliveryReports(let reports):
            reported.add(reports.count, ordering: .releasing)
            let failures = reports.count { $0.error != nil }
            if failures > 0 {
                state.withLock { $0.failedDeliveries += failures }
            }
            for report in reports {
                onDelivery(report)
            }
        case .error(let error) where error.isFatal:
            logger.error("producer stopped by a fatal error: \(error)")
            state.withLock { $0.fatal = error }
        case .error(let error):
            logger.warning("\(error.reason)", metadata: [KafkaLoggingKeys.errorCode: "\(error.code)"])
        case .other:
            break
        }
    }
}
