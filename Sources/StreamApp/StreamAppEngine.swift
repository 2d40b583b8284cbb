import Failure
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
/// at most `concurrency` requests at a time, each carrying up to `batchSize` images; outputs are handed to the
/// producer from one serial queue, in input order per partition; acknowledgements arrive on the producer's polling
/// thread and advance the committable offsets, which are committed every `commitInterval`. An input offset is
/// committed only once its prediction or dead letter, and everything before it in its partition, was acknowledged
/// by Kafka.
///
/// Failures follow `ModelHealth`: an image's own failures are retried `maxAttempts` times and then dead-lettered
/// (a batch is split first, so only the guilty image goes); a systemic failure pauses consumption and retries until
/// the model answers, dead-lettering nothing.
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
        let core = StreamAppCore(metrics: metrics, configuration: configuration, logger: logger)
        self.core = core
        consumer = try KafkaConsumer(
            properties: configuration.kafkaProperties, groupID: configuration.groupID, logger: logger,
            onRebalance: { event in core.rebalanced(event) }, onCommit: { result in core.committed(result) })
        producer = try KafkaProducer(properties: configuration.producerProperties, logger: logger) { report in
            core.delivered(report)
        }
    }

    /// True from the first poll until a stop or failure.
    public var isConsuming: Bool { core.withState { $0.consuming } }

    /// What `/readyz` reports: ready only while consuming an assignment with a model that answers.
    public var readiness: (ready: Bool, reason: String) {
        core.withState { state in
            if !state.consuming { return (false, "not consuming") }
            if state.health.model == nil { return (false, "the model has not answered its status check yet") }
            if let systemic = state.health.systemic { return (false, "systemic model failure: \(systemic.reason)") }
            if state.assigned.isEmpty { return (false, "no partition assigned yet") }
            return (true, "ready")
        }
    }

    /// What `/healthz` reports: alive unless wedged, that is, the polling thread stopped turning, or work is
    /// pending and nothing moved for `stallTimeout`. A slow or failing model is not a wedge: its calls return.
    public var liveness: (alive: Bool, reason: String) {
        let stall = configuration.stallTimeout
        return core.withState { state in
            let now = ContinuousClock.now
            if state.consuming && now - state.lastPoll > stall {
                return (false, "the polling thread has not turned for \(now - state.lastPoll)")
            }
            if state.buffered > 0 && now - state.lastProgress > stall {
                return (false, "\(state.buffered) messages pending and nothing progressed for \(now - state.lastProgress)")
            }
            return (true, "ok")
        }
    }

    /// `/metrics`, with the lag and age gauges brought up to date.
    public func metricsText() -> String {
        measureLag()
        let oldest = core.withState { $0.oldestInFlight }
        metrics.update { $0.oldestInFlightSeconds = oldest.map { (ContinuousClock.now - $0).seconds } ?? 0 }
        return metrics.prometheusText()
    }

    /// Asks `run` to drain and return. Safe from any thread, more than once.
    public func stop() {
        core.withState { $0.stopRequested = true }
    }

    /// Runs until `stop()` (then drains, commits, leaves the group and returns) or a fatal error (thrown).
    ///
    /// The group is joined only once the model has answered its status check, so the version it serves is known
    /// before the first prediction and partitions are not held by a member that cannot predict.
    public func run() async throws {
        let watcher = Task { await watchModel() }
        defer { watcher.cancel() }
        while !core.withState({ $0.health.model != nil || $0.stopRequested }) {
            try? await Task.sleep(for: .milliseconds(20))
        }
        if core.withState({ $0.stopRequested }) {
            logger.info("stopped before the model answered; the group was never joined")
            return
        }
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

    /// Checks the model's status (and discovers its version) at start-up, every `modelCheckInterval` while all is
    /// well and every second while it is not; `/readyz` reads the outcome, so probes cost the model nothing.
    private func watchModel() async {
        var announced: PredictionMessage.Model?
        while !Task.isCancelled {
            let result: Result<PredictionMessage.Model, ModelServingError>
            do {
                result = .success(try await backend.checkReady(timeout: configuration.requestTimeout))
            } catch {
                result = .failure(error)
            }
            core.updateHealth { health, buffered in health.statusChecked(result, predictionsInFlight: buffered) }
            if case .success(let model) = result, model != announced {
                logger.info("model available", metadata: ["model": "\(model.name)", "version": "\(model.version)"])
                announced = model
            }
            let healthy = core.withState { $0.health.model != nil && !$0.health.isSystemic }
            try? await Task.sleep(for: healthy ? configuration.modelCheckInterval : .seconds(1))
        }
    }

    // MARK: - The polling thread

    private func pollLoop() throws {
        logger.info(
            "consuming", metadata: ["topic": "\(configuration.inputTopic)", "group": "\(configuration.groupID)",
                "concurrency": "\(configuration.concurrency)", "batch_size": "\(configuration.batchSize)",
                "model": "\(backend.modelDescription)"])
        core.withState { $0.consuming = true }
        var paused = false
        var seenAssignment = 0
        var fullSince: ContinuousClock.Instant?
        var lastCommit = ContinuousClock.now
        var failure: (any Error)?
        while failure == nil {
            let (stop, fatal, systemic, buffered, assignment) = core.withState { state in
                state.lastPoll = .now
                return (state.stopRequested, state.failure, state.health.isSystemic, state.buffered, state.assignmentChanges)
            }
            // Whether librdkafka keeps a partition paused across a rebalance differs between versions: after one,
            // pause or resume the whole assignment again.
            let reassigned = assignment != seenAssignment
            seenAssignment = assignment
            if let fatal { failure = fatal; break }
            if stop { break }
            let now = ContinuousClock.now
            if now - lastCommit >= configuration.commitInterval {
                commitAcknowledged()
                lastCommit = now
            }
            do {
                // A brief full window is ridden out by not polling: librdkafka keeps fetching into its own bounded
                // queue, and resuming costs nothing. Only a window full for longer pauses the partitions, so that
                // polling (and with it group membership and rebalances) goes on during a model outage. A systemic
                // failure pauses at once: no new work until the model answers.
                let full = buffered >= configuration.bufferLimit
                fullSince = full ? fullSince ?? now : nil
                if !systemic, let since = fullSince, now - since < configuration.pauseAfter {
                    if since == now { metrics.update { $0.pauses += 1 } }
                    Thread.sleep(forTimeInterval: 0.001)
                    continue
                }
                paused = try applyBackpressure(paused: paused, hold: full || systemic, reassigned: reassigned, buffered: buffered)
                if let message = try consumer.poll(timeout: .milliseconds(100)) {
                    accept(message)
                }
            } catch {
                // Even then, drain and commit what Kafka acknowledged before reporting the error.
                failure = error
            }
        }
        core.withState { $0.consuming = false }
        drainAndClose()
        if let failure {
            logger.error("stopped by an error: \(failure)")
            throw failure
        }
        logger.info("stopped cleanly", metadata: ["consumed": "\(metrics.snapshot.consumed)"])
    }

    /// Pauses the whole assignment while `hold` (buffer full, or a systemic failure), resumes it once that is over
    /// and the buffer has drained to half. Returns whether the assignment is paused.
    private func applyBackpressure(paused: Bool, hold: Bool, reassigned: Bool, buffered: Int) throws -> Bool {
        if hold {
            if !paused || reassigned {
                try consumer.pause(try consumer.assignment().map { TopicPartition($0).start })
                logger.debug("paused", metadata: ["buffered": "\(buffered)"])
            }
            return true
        }
        // librdkafka 2.0 keeps a partition paused by this member when the group gives it back, so a new assignment
        // is resumed explicitly.
        if (paused && buffered <= configuration.bufferLimit / 2) || (!paused && reassigned) {
            try consumer.resume(try consumer.assignment().map { TopicPartition($0).start })
            logger.debug("resumed", metadata: ["buffered": "\(buffered)"])
            return false
        }
        return paused
    }

    private func accept(_ message: KafkaMessage) {
        let partition = TopicPartition(topic: message.topic, partition: message.partition)
        let work = StreamAppWork(message: message, readAt: ContinuousClock.now)
        let startsWorker = core.withState { state -> Bool in
            // Work arriving after a quiet spell starts the stall clock afresh.
            if state.buffered == 0 { state.lastProgress = work.readAt }
            let generation = state.track(message, partition: partition, readAt: work.readAt)
            state.waiting.append(StreamAppWorkItem(work: work, generation: generation))
            return state.startsWorker(concurrency: configuration.concurrency, batchSize: configuration.batchSize)
        }
        metrics.update { $0.consumed += 1 }
        if startsWorker {
            Task { await self.worker() }
        }
    }

    /// Commits, asynchronously, the offsets that moved since the last commit; `StreamAppCore.committed` hears how it
    /// went.
    private func commitAcknowledged() {
        let offsets = core.withState { $0.takeCommits(all: false) }
        guard !offsets.isEmpty else { return }
        do {
            try consumer.commit(offsets, async: true)
        } catch {
            core.withState { state in
                for offset in offsets { state.commitFailed(offset) }
            }
            metrics.update { $0.commitFailures += 1 }
            logger.warning("offset commit failed; retrying at the next commit interval: \(error)")
        }
    }

    /// Lag from the high watermarks the consumer knows, measured for each scrape of /metrics, so that a partition
    /// shows as soon as it is read from. It never waits: the consumer asks the leaders on a queue of its own.
    private func measureLag() {
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
    /// and leaves the group; the log says which of those happened.
    private func drainAndClose() {
        let deadline = ContinuousClock.now + configuration.drainTimeout
        let buffered = core.withState { $0.buffered }
        if buffered > 0 {
            logger.info("draining in-flight work", metadata: ["in_flight": "\(buffered)", "timeout": "\(configuration.drainTimeout)"])
        }
        var lastCommit = ContinuousClock.now
        while core.withState({ $0.buffered }) > 0 && ContinuousClock.now < deadline && core.withState({ $0.failure }) == nil {
            if ContinuousClock.now - lastCommit >= configuration.commitInterval {
                commitAcknowledged()
                lastCommit = .now
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
        let abandoned = core.withState { $0.abandonAll() }
        if abandoned > 0 {
            logger.warning("drain timeout: \(abandoned) messages left uncommitted for the next owner")
        }
        let offsets = core.withState { $0.takeCommits(all: true) }
        var committed = offsets.isEmpty
        do {
            try consumer.commit(offsets, async: false)
            committed = true
        } catch {
            logger.error("final commit failed; the partitions' next owner redoes what followed the last commit: \(error)")
        }
        let everAssigned = metrics.snapshot.consumed > 0 || !core.withState { $0.assigned.isEmpty }
        let leaveError = consumer.close()
        producer.close(timeout: .seconds(5))
        switch (leaveError, everAssigned) {
        case (let error?, _):
            logger.warning("leaving the group failed (\(error)); the group reassigns the partitions after the session timeout")
        case (nil, false):
            logger.info("left the group; no partition had been assigned")
        case (nil, true):
            logger.info(committed ? "committed and left the group" : "left the group without the final commit")
        }
    }

    // MARK: - Predictions

    /// Sends batches of waiting messages until none is left, so at most `concurrency` requests are in flight.
    private func worker() async {
        let size = configuration.batchSize
        while true {
            var batch = core.withState { $0.takeWaiting(limit: size, endingWorker: true) }
            if batch.isEmpty { return }
            if batch.count < size && configuration.batchLinger > .zero {
                core.withState { $0.lingeringWorkers += 1 }
                try? await Task.sleep(for: configuration.batchLinger)
                let startsAnother = core.withState { state in
                    state.lingeringWorkers -= 1
                    batch += state.takeWaiting(limit: size - batch.count, endingWorker: false)
                    return state.startsWorker(concurrency: configuration.concurrency, batchSize: size)
                }
                if startsAnother { Task { await self.worker() } }
            }
            await process(batch)
        }
    }

    /// Dead-letters what is not a JPEG at once, and predicts the rest in one request.
    private func process(_ batch: [StreamAppWorkItem]) async {
        var images: [StreamAppWorkItem] = []
        let decoder = Result { try JPEGDecoder() }
        for item in batch {
            do {
                _ = try decoder.get().dimensions(of: item.work.message.value)
                images.append(item)
            } catch let error as JPEGError {
                finish(item, with: deadLetter(item.work, reason: "not a JPEG: \(error.reason)"))
            } catch {
                finish(item, with: deadLetter(item.work, reason: "cannot read the image: \(error)"))
            }
        }
        if !images.isEmpty { await predict(images) }
    }

    /// One request for `items`, retried as `ModelHealth` says. A refused batch is split in halves until the refused
    /// image is alone; a batch that runs out of attempts is split into single images, each with its own attempts.
    /// Parts run side by side.
    private func predict(_ batch: [StreamAppWorkItem]) async {
        var items = batch
        var counted = 0
        var tries = 0
        var firstFailure: ContinuousClock.Instant?
        while true {
            items = core.withState { state in items.filter { state.isCurrent($0.work.partition, generation: $0.generation) } }
            guard !items.isEmpty else { return }
            let started = ContinuousClock.now
            metrics.update {
                $0.predicting += 1
                $0.modelRequests += 1
                $0.modelInstances += items.count
            }
            let error: ModelServingError
            do throws(ModelServingError) {
                let results = try await backend.predict(batch: items.map(\.work.message.value), timeout: configuration.requestTimeout)
                let elapsed = ContinuousClock.now - started
                metrics.update { $0.predicting -= 1 }
                metrics.observeModelLatency(seconds: elapsed.seconds)
                if let model = results.first?.model {
                    core.updateHealth(modelAnswered: true) { health, _ in health.predicted(model: model, at: .now) }
                }
                let outputs = zip(items, results).map { item, result in
                    let outgoing: KafkaOutgoingMessage
                    do {
                        outgoing = try StreamAppMessages.prediction(
                            for: item.work.message, imageID: item.work.imageID, result: result,
                            outputTopic: configuration.outputTopic, modelTime: elapsed,
                            totalTime: ContinuousClock.now - item.work.readAt)
                    } catch {
                        outgoing = deadLetter(item.work, reason: "cannot write the prediction: \(error)")
                    }
                    return (item, outgoing)
                }
                finish(outputs)
                return
            } catch let failure {
                error = failure
            }
            metrics.update { $0.predicting -= 1 }
            let key = "\(items[0].work.imageID)+\(items.count)"
            core.updateHealth(modelAnswered: true) { health, _ in health.failed(error, key: key, at: .now) }
            if error.failureKind == .permanent {
                if items.count > 1 {
                    await predictParts([Array(items[..<(items.count / 2)]), Array(items[(items.count / 2)...])])
                } else {
                    finish(items[0], with: deadLetter(items[0].work, reason: error.description))
                }
                return
            }
            metrics.update { $0.retries += 1 }
            tries += 1
            // Attempts count only while the model answers others: an outage is nobody's image's fault, and the
            // image's budget starts afresh after one.
            let systemic = core.withState { $0.health.isSystemic }
            if systemic {
                counted = 0
                firstFailure = nil
            } else {
                counted += 1
                firstFailure = firstFailure ?? started
            }
            if !systemic && counted >= configuration.maxAttempts {
                if items.count > 1 {
                    await predictParts(items.map { [$0] })
                    return
                }
                if let since = firstFailure, core.withState({ $0.health.othersSucceeded(since: since) }) {
                    finish(items[0], with: deadLetter(items[0].work, reason: "retries exhausted: \(error)"))
                    return
                }
                let attempts = counted
                core.updateHealth { health, _ in health.exhaustedWithoutEvidence(error, attempts: attempts) }
            }
            let delay = configuration.retryBackoff.delay(
                afterAttempt: tries, retryAfter: error.retryAfter, jitter: Double.random(in: 0...1))
            logger.log(
                level: systemic ? .debug : .info, "model call failed; retrying",
                metadata: ["image_id": "\(items[0].work.imageID)", "images": "\(items.count)", "attempt": "\(tries)",
                    "delay": "\(delay)", "error": "\(error)"])
            await sleep(delay, unlessAbandoned: items)
        }
    }

    private func predictParts(_ parts: [[StreamAppWorkItem]]) async {
        await withTaskGroup(of: Void.self) { group in
            for part in parts {
                group.addTask { await self.predict(part) }
            }
        }
    }

    private func finish(_ item: StreamAppWorkItem, with outgoing: KafkaOutgoingMessage) {
        finish([(item, outgoing)])
    }

    /// Records the outputs and hands what became sendable to the producer, with one hop to the send queue per
    /// batch rather than per image.
    private func finish(_ outputs: [(StreamAppWorkItem, KafkaOutgoingMessage)]) {
        let partitions = core.withState { state in
            Set(outputs.filter { item, outgoing in
                state.complete(item.work.partition, generation: item.generation, offset: item.work.message.offset, with: outgoing)
            }.map { item, _ in item.work.partition })
        }
        guard !partitions.isEmpty else { return }
        sendQueue.async { [self] in
            for partition in partitions.sorted() { send(partition) }
        }
    }

    private func deadLetter(_ work: StreamAppWork, reason: String) -> KafkaOutgoingMessage {
        logger.warning(
            "dead letter", metadata: ["image_id": "\(work.imageID)", "partition": "\(work.message.partition)",
                "offset": "\(work.message.offset)", "reason": "\(reason)"])
        return StreamAppMessages.deadLetter(for: work.message, topic: configuration.deadLetterTopic, reason: reason)
    }

    /// Sleeps, waking early once every item's partition went away.
    private func sleep(_ delay: Duration, unlessAbandoned items: [StreamAppWorkItem]) async {
        let end = ContinuousClock.now + delay
        while ContinuousClock.now < end {
            try? await Task.sleep(for: min(.milliseconds(100), end - ContinuousClock.now))
            let anyCurrent = core.withState { state in
                items.contains { state.isCurrent($0.work.partition, generation: $0.generation) }
            }
            if !anyCurrent { return }
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
