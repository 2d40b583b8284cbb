import CheckedNumbers
import Foundation
import Kafka
import Logging
import ModelServing
import PipelineMessages

/// Consume → predict → produce, at least once and in order per partition.
///
/// Threads, each domain in its own file:
/// - one polling thread owns the consumer: poll, pause/resume, commit, and the drain at the end
///   (`StreamAppEngine+Polling`);
/// - predictions run as Swift tasks, at most `concurrency` requests at a time, each carrying up to `batchSize`
///   images (`StreamAppEngine+Predictions`);
/// - outputs are handed to the producer from one serial queue, in input order per partition
///   (`StreamAppEngine+Producing`); acknowledgements arrive on the producer's polling thread and advance the
///   committable offsets, which the polling thread commits every `commitInterval`;
/// - this file holds what any thread may call: the probes, `/metrics`, `stop()`, and the model status watcher.
///
/// All of them share state only through `StreamAppCore`'s lock. An input offset is committed only once its
/// prediction or dead letter, and everything before it in its partition, was acknowledged by Kafka.
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
    let backend: any ModelServingBackend
    let consumer: KafkaConsumer
    let producer: KafkaProducer
    let core: StreamAppCore
    /// Hands outputs to the producer, one at a time, so a partition's outputs keep their input order.
    let sendQueue = DispatchQueue(label: "inference-app.send")
    let logger: Logger

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
        metrics.update { $0.oldestInFlightSeconds = oldest.map { (ContinuousClock.now - $0).secondsValue } ?? 0 }
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
}
