import Foundation
import HTTP
import JPEG
import Kafka
import Logging
import ModelServing
import PipelineMessages
import Synchronization

/// Consume → predict → produce, at least once and in order per partition.
///
/// Threads: one polling thread owns the consumer (poll, pause/resume, commit); predictions run as Swift tasks,
/// at most `concurrency` at a time; outputs are handed to the producer from one serial queue, in input order per
/// partition; acknowledgements arrive on the producer's polling thread and advance the committable offsets. An
/// input offset is committed only once its prediction or dead letter, and everything before it in its partition,
/// was acknowledged by Kafka.
///
/// Rebalances: before a partition is taken away, what Kafka acknowledged is committed and the rest of its work is
/// abandoned uncommitted, so its next owner redoes it (an offset going backwards is treated the same way). That
/// may duplicate outputs, never lose them.
public final class StreamAppEngine: Sendable {
    public let configuration: StreamAppConfiguration
    public let metrics = StreamAppMetrics()
    private let backend: any ModelServingBackend
    private let consumer: KafkaConsumer
    private let producer: KafkaProducer
    private let core: StreamAppCore
    private let sendQueue = DispatchQueue(label: "inference-app.send")
    private let logger: Logger

    public init(configuration: StreamAppConfiguration, backend: any ModelServingBackend, logger: Logger) throws {
        self.configuration = configuration
        self.backend = backend
        self.logger = logger
        let core = StreamAppCore(metrics: metrics, deadLetterTopic: configuration.deadLetterTopic, logger: logger)
        self.core = core
        consumer = try KafkaConsumer(
            properties: configuration.kafkaProperties, groupID: configuration.groupID, logger: logger,
            onRebalance: { event in core.rebalanced(event) })
        producer = try KafkaProducer(properties: configuration.kafkaProperties, logger: logger) { report in
            core.delivered(report)
        }
    }

    /// True from the first poll until a stop or failure: what `/readyz` reports besides the model's health.
    public var isConsuming: Bool { core.withState { $0.consuming } }

    /// Asks `run` to drain and return. Safe from any thread, more than once.
    public func stop() {
        core.withState { $0.stopRequested = true }
    }

    /// Runs until `stop()` (then drains, commits, leaves the group and returns) or a fatal error (thrown).
    public func run() async throws {
        try consumer.subscribe(topics: [configuration.inputTopic])
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let thread = Thread { [self] in
                do {
                    try pollLoop()
                    continuation.resume()
                } catch {
                    continuation.resume(throwing: error)
                }
            }
            thread.name = "inference-app-poll"
            thread.start()
        }
    }

    // MARK: - The polling thread

    private func pollLoop() throws {
        logger.info(
            "consuming", metadata: ["topic": "\(configuration.inputTopic)", "group": "\(configuration.groupID)",
                "concurrency": "\(configuration.concurrency)", "model": "\(backend.modelDescription)"])
        core.withState { $0.consuming = true }
        var paused = Set<TopicPartition>()
        var fullSince: ContinuousClock.Instant?
        var failure: (any Error)?
        while failure == nil {
            let (stop, fatal) = core.withState { ($0.stopRequested, $0.failure) }
            if let fatal { failure = fatal; break }
            if stop { break }
            let now = ContinuousClock.now
            do {
                // A brief full window is ridden out by not polling: librdkafka keeps fetching into its own bounded
                // queue, and resuming costs nothing. Only a window full for longer pauses the partitions, so that
                // polling (and with it group membership and rebalances) goes on during a model outage.
                let full = core.withState { $0.buffered } >= configuration.bufferLimit
                fullSince = full ? fullSince ?? now : nil
                if let since = fullSince, now - since < configuration.pauseAfter {
                    if since == now { metrics.update { $0.pauses += 1 } }
                    Thread.sleep(forTimeInterval: 0.001)
                    continue
                }
                paused = try applyBackpressure(paused: paused)
                if let message = try consumer.poll(timeout: .milliseconds(100)) {
                    accept(message)
                }
            } catch {
                // Even then, drain and commit what Kafka acknowledged before reporting the error.
                failure = error
            }
            commit(async: true)
        }
        core.withState { $0.consuming = false }
        drainAndClose()
        if let failure {
            logger.error("stopped by an error: \(failure)")
            throw failure
        }
        logger.info("stopped cleanly", metadata: ["consumed": "\(metrics.snapshot.consumed)"])
    }

    /// Pauses every assigned partition while the buffer is full, resumes them once it has drained to half.
    private func applyBackpressure(paused: Set<TopicPartition>) throws -> Set<TopicPartition> {
        let buffered = core.withState { $0.buffered }
        if buffered >= configuration.bufferLimit {
            let assigned = Set(try consumer.assignment().map(TopicPartition.init))
            let newlyPaused = assigned.subtracting(paused)
            if !newlyPaused.isEmpty {
                try consumer.pause(newlyPaused.map(\.start))
                logger.debug("paused: buffer full", metadata: ["buffered": "\(buffered)"])
            }
            return paused.union(newlyPaused)
        }
        if !paused.isEmpty && buffered <= configuration.bufferLimit / 2 {
            try consumer.resume(paused.map(\.start))
            logger.debug("resumed", metadata: ["buffered": "\(buffered)"])
            return []
        }
        return paused
    }

    private func accept(_ message: KafkaMessage) {
        let partition = TopicPartition(topic: message.topic, partition: message.partition)
        let work = StreamAppWork(message: message, readAt: ContinuousClock.now)
        let startsWorker = core.withState { state -> Bool in
            let generation = state.track(message, partition: partition)
            state.waiting.append((work, generation))
            guard state.predictingWorkers < configuration.concurrency else { return false }
            state.predictingWorkers += 1
            return true
        }
        metrics.update { $0.consumed += 1 }
        if startsWorker {
            Task { await self.worker() }
        }
    }

    private func commit(async: Bool) {
        let offsets = core.withState { $0.takeCommits(all: !async) }
        guard !offsets.isEmpty else { return }
        do {
            try consumer.commit(offsets, async: async)
        } catch {
            logger.warning("commit failed (the next commit covers it): \(error)")
        }
    }

    /// Lag from the high watermarks the consumer knows, measured for each scrape of /metrics, so that a partition
    /// shows as soon as it is read from. It never waits: the consumer asks the leaders on a queue of its own.
    func measureLag() {
        let partitions: [(TopicPartition, Int64?)] = core.withState { state in
            state.partitions.map { ($0.key, $0.value.committed ?? $0.value.committable ?? $0.value.entries.first?.offset) }
        }
        let positions = partitions.sorted(by: { $0.0 < $1.0 }).map { partition, committed in
            KafkaTopicPartitionOffset(
                topic: partition.topic, partition: partition.partition, offset: committed ?? KafkaTopicPartitionOffset.beginning)
        }
        let lags = consumer.lag(of: positions, refreshInterval: configuration.lagInterval)
        metrics.update { $0.lag = lags.map { .init(topic: $0.topic, partition: $0.partition, lag: $0.lag) } }
    }

    /// Lets in-flight work finish for up to the drain timeout, abandons the rest, commits what Kafka acknowledged
    /// and leaves the group.
    private func drainAndClose() {
        let deadline = ContinuousClock.now + configuration.drainTimeout
        let buffered = core.withState { $0.buffered }
        if buffered > 0 {
            logger.info("draining in-flight work", metadata: ["in_flight": "\(buffered)", "timeout": "\(configuration.drainTimeout)"])
        }
        while core.withState({ $0.buffered }) > 0 && ContinuousClock.now < deadline && core.withState({ $0.failure }) == nil {
            commit(async: true)
            Thread.sleep(forTimeInterval: 0.02)
        }
        let abandoned = core.withState { $0.abandonAll() }
        if abandoned > 0 {
            logger.warning("drain timeout: \(abandoned) messages left uncommitted for the next owner")
        }
        commit(async: false)
        consumer.close()
        producer.close(timeout: .seconds(5))
        logger.info("committed and left the group")
    }

    // MARK: - Predictions

    /// Works through waiting messages until none is left, so at most `concurrency` workers exist.
    private func worker() async {
        while let (work, generation) = core.withState({ $0.nextWaiting() }) {
            await process(work, generation: generation)
        }
    }

    private func process(_ work: StreamAppWork, generation: Int) async {
        let message = work.message
        let imageID = work.imageID
        let outgoing: KafkaOutgoingMessage
        do {
            _ = try JPEGDecoder().dimensions(of: message.value)
            let (result, modelTime) = try await predictWithRetries(work, generation: generation)
            outgoing = try StreamAppMessages.prediction(
                for: message, imageID: imageID, result: result, outputTopic: configuration.outputTopic,
                modelTime: modelTime, totalTime: ContinuousClock.now - work.readAt)
        } catch let error as JPEGError {
            outgoing = deadLetter(work, reason: "not a JPEG: \(error.reason)")
        } catch let error as ModelServingError {
            outgoing = deadLetter(work, reason: error.description)
        } catch is StreamAppAbandoned {
            return
        } catch {
            outgoing = deadLetter(work, reason: "cannot write the prediction: \(error)")
        }
        let partition = TopicPartition(topic: message.topic, partition: message.partition)
        let completed = core.withState { $0.complete(partition, generation: generation, offset: message.offset, with: outgoing) }
        if completed {
            sendQueue.async { [self] in send(partition) }
        }
    }

    private func deadLetter(_ work: StreamAppWork, reason: String) -> KafkaOutgoingMessage {
        logger.warning(
            "dead letter", metadata: ["image_id": "\(work.imageID)", "partition": "\(work.message.partition)",
                "offset": "\(work.message.offset)", "reason": "\(reason)"])
        return StreamAppMessages.deadLetter(for: work.message, topic: configuration.deadLetterTopic, reason: reason)
    }

    /// Retries retriable failures with backoff until the model answers, the work is abandoned or the app stops
    /// for good; a permanent failure is thrown at once.
    private func predictWithRetries(_ work: StreamAppWork, generation: Int) async throws -> (ModelPredictionResult, Duration) {
        var attempt = 1
        while true {
            guard core.withState({ $0.isCurrent(work.partition, generation: generation) }) else { throw StreamAppAbandoned() }
            let started = ContinuousClock.now
            metrics.update { $0.predicting += 1 }
            do {
                let result = try await backend.predict(jpeg: work.message.value, imageID: work.imageID, timeout: configuration.requestTimeout)
                let elapsed = ContinuousClock.now - started
                metrics.update { $0.predicting -= 1 }
                metrics.observeModelLatency(seconds: elapsed.seconds)
                return (result, elapsed)
            } catch where error.isRetriable {
                metrics.update {
                    $0.predicting -= 1
                    $0.retries += 1
                }
                let delay = configuration.retryBackoff.delay(
                    afterAttempt: attempt, retryAfter: error.retryAfter, jitter: Double.random(in: 0...1))
                logger.info(
                    "model call failed; retrying", metadata: ["image_id": "\(work.imageID)", "attempt": "\(attempt)",
                        "delay": "\(delay)", "error": "\(error)"])
                try await sleep(delay, unlessAbandoned: work.partition, generation: generation)
                attempt += 1
            } catch {
                metrics.update { $0.predicting -= 1 }
                throw error
            }
        }
    }

    private func sleep(_ delay: Duration, unlessAbandoned partition: TopicPartition, generation: Int) async throws {
        let end = ContinuousClock.now + delay
        while ContinuousClock.now < end {
            try? await Task.sleep(for: min(.milliseconds(100), end - ContinuousClock.now))
            guard core.withState({ $0.isCurrent(partition, generation: generation) }) else { throw StreamAppAbandoned() }
        }
    }

    // MARK: - Producing

    /// Runs on `sendQueue` only, so outputs of a partition reach the producer in offset order.
    private func send(_ partition: TopicPartition) {
        let batch = core.withState { $0.takeSendable(partition) }
        for (id, message) in batch {
            do {
                try producer.send(message, id: id)
            } catch {
                core.fail(error)
                return
            }
        }
    }
}

/// Thrown inside a prediction whose partition went away.
struct StreamAppAbandoned: Error {}

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

/// A topic and partition, as a dictionary key.
struct TopicPartition: Hashable, Comparable, Sendable, CustomStringConvertible {
    let topic: String
    let partition: Int32

    init(topic: String, partition: Int32) {
        self.topic = topic
        self.partition = partition
    }

    init(_ offset: KafkaTopicPartitionOffset) {
        self.init(topic: offset.topic, partition: offset.partition)
    }

    var start: KafkaTopicPartitionOffset { KafkaTopicPartitionOffset(topic: topic, partition: partition, offset: 0) }

    var description: String { "\(topic)/\(partition)" }

    static func < (lhs: TopicPartition, rhs: TopicPartition) -> Bool {
        (lhs.topic, lhs.partition) < (rhs.topic, rhs.partition)
    }
}

extension Duration {
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
