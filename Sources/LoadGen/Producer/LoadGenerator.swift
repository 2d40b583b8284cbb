import CheckedNumbers
import Foundation
import Histogram
import Kafka
import Logging
import PipelineMessages

/// Produces images into Kafka on an open-loop schedule and measures every acknowledgement against the time the
/// message was *due*, not the time it happened to leave (wrk2's correction for coordinated omission).
public final class LoadGenerator: Sendable {
    public let config: LoadGeneratorConfig
    public var runID: String { config.runID }
    private let logger: Logger
    private let sendMetrics = SharedState(SendMetrics())
    private let deliveryMetrics = SharedState(DeliveryMetrics())
    private let stopRequested = SharedState(false)
    private let endToEnd = SharedState<LatencyRecorder?>(nil)
    private let startedAt = SharedState<ContinuousClock.Instant?>(nil)

    public init(config: LoadGeneratorConfig, logger: Logger) throws {
        guard config.workers >= 1, (0..<config.workers).contains(config.workerIndex) else {
            throw LoadGenError("--worker-index must be 0 to \(config.workers - 1) for \(config.workers) workers")
        }
        self.config = config
        self.logger = logger
    }

    /// Ends the schedule early (SIGINT); in-flight messages are still drained and reported.
    public func requestStop() {
        stopRequested.withLock { $0 = true }
    }

    public var progress: LoadProgress {
        let elapsed = startedAt.withLock { $0 }.map { ContinuousClock.now - $0 } ?? .zero
        // Figures are read inside the locks: copying the metrics would copy their per-second rows each time.
        let (sent, lateSends, sendFailures) = sendMetrics.withLock { ($0.sent, $0.lateSends, $0.failures.values.reduce(0, +)) }
        let (delivered, failed, p99) = deliveryMetrics.withLock {
            ($0.delivered, $0.failed, milliseconds($0.latency.total.valueAtPercentile(99)))
        }
        return LoadProgress(
            elapsed: elapsed, sent: sent, delivered: delivered, failed: failed + sendFailures,
            latencyP99Milliseconds: p99, lateSends: lateSends)
    }

    /// Runs the schedule to its end (or `requestStop`), drains, and returns the report and the per-second series.
    /// Blocks the calling thread, which becomes the sender. `supply` is the images, if already prepared (a folder
    /// is read and checked before a cluster is started); by default they are prepared from `config.source`.
    public func run(supply: ImageSupply? = nil) throws -> (report: LoadReport, timeseries: [LoadSecond]) {
        let supply = try supply ?? ImageSupply(config.source) { [config] in config.imageID(ofSequence: $0) }
        defer { supply.stop() }
        var readerLogger = logger
        readerLogger.logLevel = .error
        let config = config
        if let startAt = config.startAt {
            let wait = startAt.timeIntervalSinceNow
            if wait > 0 {
                logger.notice("waiting \(String(format: "%.1f", wait)) s for the common start at \(ISO8601DateFormatter().string(from: startAt))")
                Thread.sleep(until: startAt)
            }
        }
        let verifier = try config.verify
            ? DeliveryVerifier(
                topic: config.topic, properties: config.properties, runID: runID, logger: readerLogger,
                sequenceOf: { config.sequence(ofImageID: $0) }) : nil
        let start = ContinuousClock.now
        let epochStart = ImageMessageHeaders.currentTimeMicroseconds()
        let log = try config.histogramLog.map { path in
            try HistogramLogWriter(
                path: path, startEpochSeconds: Double(epochStart) / 1e6,
                comment: "image-loadgen run \(runID) worker \(config.workerIndex) of \(config.workers); values in microseconds")
        }
        deliveryMetrics.withLock { $0 = DeliveryMetrics(log: log) }
        if config.observeTopic != nil { endToEnd.withLock { $0 = LatencyRecorder(log: log) } }
        // End-to-end latency, like the producer's, counts only what was due after the warm-up.
        let measuredFrom = epochStart + config.warmup.microseconds
        let observer = try config.observeTopic.map { topic in
            try RunTopicReader(topic: topic, properties: config.properties, runID: runID, logger: readerLogger) {
                [endToEnd] message, _ in
                guard let scheduled = message.headers.string(named: ImageMessageHeaders.scheduledAt).flatMap(Int64.init)
                else { return }
                // With several workers sharing a run id, each measures only the predictions of its own images.
                if config.workers > 1 {
                    guard let id = message.headers.string(named: ImageMessageHeaders.imageID).flatMap(UInt64.init),
                        config.sequence(ofImageID: id) != nil
                    else { return }
                }
                let arrived = ImageMessageHeaders.currentTimeMicroseconds()
                let latency = Duration.microseconds(arrived.subtractingReportingOverflow(scheduled).partialValue)
                endToEnd.withLock {
                    $0?.record(latency, at: .microseconds(arrived - epochStart), measured: scheduled >= measuredFrom)
                }
            }
        }
        startedAt.withLock { $0 = start }
        let schedule = config.schedule.share(workers: config.workers, index: config.workerIndex)
        let warmup = config.warmup
        let producer = try KafkaProducer(properties: config.properties, logger: logger) {
            [deliveryMetrics, verifier] report in
            let offset = ContinuousClock.now - start
            let service = Duration.microseconds(report.latencyMicroseconds)
            let due = schedule.isPaced ? schedule.dueOffset(of: report.id) ?? offset : offset - service
            deliveryMetrics.withLock { metrics in
                if let error = report.error {
                    metrics.addFailure(at: offset, kind: error.code.name)
                } else {
                    metrics.addDelivery(
                        at: offset, latency: offset - due, service: service, bytes: report.valueSize,
                        measured: due >= warmup)
                }
            }
            if report.error == nil { verifier?.recordDelivered(sequence: report.id) }
        }

        var sequence: UInt64 = 0
        var keyGenerator = SystemRandomNumberGenerator()
        sending: while !stopRequested.withLock({ $0 }) {
            guard let due = schedule.dueOffset(of: sequence) else { break }
            if schedule.isPaced {
                if !wait(until: start + due) { break sending }
            } else if ContinuousClock.now - start >= schedule.totalDuration {
                break
            }
            let jpeg = supply.jpeg(for: sequence)
            let offset = ContinuousClock.now - start
            let imageID = config.imageID(ofSequence: sequence)
            let scheduledOffset = schedule.isPaced ? due : offset
            let key: Data? =
                switch config.keyStrategy {
                case .imageID: Data(utf8Of: String(imageID))
                case .random: withUnsafeBytes(of: keyGenerator.next()) { Data($0) }
                case .none: nil
                }
            let message = KafkaOutgoingMessage(
                topic: config.topic, key: key, value: jpeg,
                headers: [
                    KafkaHeader(ImageMessageHeaders.imageID, String(imageID)),
                    KafkaHeader(ImageMessageHeaders.runID, runID),
                    KafkaHeader(ImageMessageHeaders.scheduledAt, String(epochStart + scheduledOffset.microseconds)),
                    KafkaHeader(ImageMessageHeaders.sentAt, String(epochStart + offset.microseconds)),
                    KafkaHeader(ImageMessageHeaders.contentType, ImageMessageHeaders.jpegContentType),
                ])
            verifier?.willSend(sequence: sequence)
            do {
                try producer.send(message, id: sequence)
            } catch let error as KafkaError {
                sendMetrics.withLock { $0.addFailure(kind: error.code.name) }
                if error.isFatal {
                    logger.error("stopping: \(error)")
                    break
                }
            }
            sendMetrics.withLock { $0.addSend(at: offset, lag: offset - scheduledOffset, measured: scheduledOffset >= warmup) }
            sequence += 1
        }
        let interrupted = stopRequested.withLock { $0 }
        let sendingEnded = ContinuousClock.now - start
        logger.info("sent \(sequence) images in \(String(format: "%.1f", sendingEnded.secondsValue)) s; waiting for acknowledgements")
        producer.close(timeout: config.drainTimeout)
        let elapsed = ContinuousClock.now - start

        let verifyReport = verifier?.finish(idleTimeout: .seconds(10)) { config.imageID(ofSequence: $0) }
        if let observer {
            let expected = deliveryMetrics.withLock { $0.delivered }
            var lastCount = endToEnd.withLock { $0?.count ?? 0 }
            var lastChange = ContinuousClock.now
            while lastCount < expected && ContinuousClock.now - lastChange < .seconds(15) {
                usleep(50_000)
                let count = endToEnd.withLock { $0?.count ?? 0 }
                if count != lastCount {
                    lastCount = count
                    lastChange = .now
                }
            }
            observer.stop()
        }
        return buildReport(
            schedule: schedule, supply: supply, interrupted: interrupted, duration: sendingEnded, elapsed: elapsed,
            verify: verifyReport)
    }

    /// Sleeps, then spins for the last stretch, so sends leave within microseconds of their due time.
    /// Returns false when a stop was requested while waiting.
    private func wait(until deadline: ContinuousClock.Instant) -> Bool {
        while true {
            let remaining = deadline - .now
            if remaining <= .zero { return true }
            if remaining > .milliseconds(2) {
                if stopRequested.withLock({ $0 }) { return false }
                usleep(UInt32(min(remaining - .milliseconds(1), .milliseconds(100)).microseconds))
            } else if remaining > .microseconds(300) {
                usleep(UInt32((remaining - .microseconds(200)).microseconds))
            } else {
                sched_yield()
            }
        }
    }

    private func buildReport(
        schedule: LoadSchedule, supply: ImageSupply, interrupted: Bool, duration: Duration, elapsed: Duration,
        verify: VerifyReport?
    )
        -> (report: LoadReport, timeseries: [LoadSecond])
    {
        var metrics = LoadMetrics(
            sends: sendMetrics.withLock { $0 }, deliveries: deliveryMetrics.withLock { $0 },
            endToEnd: endToEnd.withLock { $0 })
        metrics.finish()
        let seconds = metrics.timeseries
        let report = LoadReport(
            runID: runID, topic: config.topic,
            startedAt: ISO8601DateFormatter().string(from: Date() - duration.secondsValue),
            targetRate: schedule.isPaced ? schedule.stages.map(\.rate).max() ?? 0 : 0,
            achievedRate: metrics.achievedRate, sent: metrics.sent, delivered: metrics.delivered,
            failed: metrics.failed, failures: metrics.failures, bytesDelivered: metrics.bytesDelivered,
            durationSeconds: duration.secondsValue, elapsedSeconds: elapsed.secondsValue,
            warmupSeconds: config.warmup.secondsValue,
            latencyMilliseconds: metrics.latencySummary, serviceTimeMilliseconds: metrics.serviceTimeSummary,
            scheduleLagMilliseconds: metrics.lagSummary, lateSends: metrics.lateSends, interrupted: interrupted,
            verify: verify,
            endToEndLatencyMilliseconds: metrics.endToEnd?.summary,
            endToEndReceived: metrics.endToEnd?.count,
            thresholds: [],
            image: LoadReport.ImageDescription(
                source: supply.description, width: supply.dimensions?.width, height: supply.dimensions?.height,
                quality: supply.dimensions?.quality,
                meanBytes: metrics.delivered == 0 ? 0 : Double(metrics.bytesDelivered) / Double(metrics.delivered)),
            librdkafka: KafkaLibrary.linkedVersionString,
            system: config.system ?? config.properties["bootstrap.servers"] ?? "embedded",
            workers: config.workers, workerIndex: config.workerIndex, histograms: metrics.encodedHistograms,
            seconds: seconds, cpuSeconds: Self.processCPUSeconds())
        return (report, seconds)
    }

    static func processCPUSeconds() -> Double {
        var usage = rusage()
        #if canImport(Glibc)
            getrusage(RUSAGE_SELF.rawValue, &usage)
        #else
            getrusage(RUSAGE_SELF, &usage)
        #endif
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}
