import CheckedNumbers
import Foundation
import Kafka
import Logging

/// The Kafka topic where the workers of a distributed run meet: each announces itself there before it starts
/// (the start barrier) and publishes its final report there when it ends, keyed `<run id>/<worker index>`, so
/// the results outlive the pods and `image-loadgen merge --run-id` can combine them.
public struct ReportTopic: Sendable {
    public let topic: String
    public let properties: KafkaProperties
    private let logger: Logger

    /// Reports larger than this go without their per-second rows: a broker refuses records above
    /// `message.max.bytes` (1 MB by default), and a day-long run has 86,400 rows.
    static let recordSizeLimit = 900_000

    public init(topic: String, properties: KafkaProperties, logger: Logger) {
        self.topic = topic
        self.properties = properties
        self.logger = logger
    }

    /// A worker's announcement: it is ready, and when it said so.
    struct Announcement: Codable {
        var runID: String
        var workerIndex: Int
        var workers: Int
        var readyAtEpochSeconds: Double

        enum CodingKeys: String, CodingKey {
            case runID = "run_id"
            case workerIndex = "worker_index"
            case workers
            case readyAtEpochSeconds = "ready_at"
        }
    }

    static func reportKey(runID: String, workerIndex: Int) -> String { "\(runID)/\(workerIndex)" }
    static func announcementKey(runID: String, workerIndex: Int) -> String { "\(runID)/\(workerIndex)/ready" }

    /// Publishes a finished report and waits for the broker's acknowledgement.
    public func publish(_ report: LoadReport) throws {
        var value = try LoadReporters.json(report)
        if value.count > Self.recordSizeLimit {
            var smaller = report
            smaller.seconds = nil
            value = try LoadReporters.json(smaller)
            logger.warning("report for \(topic) sent without its per-second rows (\(value.count) bytes otherwise too large for one record)")
        }
        try produce(key: Self.reportKey(runID: report.runID, workerIndex: report.workerIndex), value: value)
    }

    /// Announces this worker, waits until all `workers` of the run have announced themselves, and returns the
    /// common start: `delay` after the last announcement. Every worker reads the same announcements, so every
    /// worker computes the same instant without a coordinator.
    public func barrier(runID: String, workerIndex: Int, workers: Int, delay: Duration, timeout: Duration) throws -> Date {
        let announcement = Announcement(
            runID: runID, workerIndex: workerIndex, workers: workers, readyAtEpochSeconds: Date().timeIntervalSince1970)
        try produce(
            key: Self.announcementKey(runID: runID, workerIndex: workerIndex), value: try JSONEncoder().encode(announcement))
        logger.notice("worker \(workerIndex) of \(workers) announced on \(topic); waiting for the others")
        let deadline = ContinuousClock.now + timeout
        var ready: [Int: Double] = [:]
        try read(runID: runID, until: { ready.count >= workers || ContinuousClock.now > deadline }) { key, value in
            guard key.hasSuffix("/ready"), let announcement = try? JSONDecoder().decode(Announcement.self, from: value),
                announcement.runID == runID, (0..<workers).contains(announcement.workerIndex),
                announcement.readyAtEpochSeconds.isFinite
            else { return }
            ready[announcement.workerIndex] = announcement.readyAtEpochSeconds
        }
        guard ready.count >= workers else {
            let absent = (0..<workers).filter { ready[$0] == nil }.map(String.init).joined(separator: ", ")
            throw LoadGenError("start barrier on \(topic): worker(s) \(absent) of run \(runID) did not announce themselves within \(timeout)", code: .timedOut)
        }
        return Date(timeIntervalSince1970: ready.values.max()! + delay.secondsValue)
    }

    /// Every report of a run published so far.
    public func reports(runID: String) throws -> [LoadReport] {
        var reports: [Int: LoadReport] = [:]
        var problems: [String] = []
        try read(runID: runID, until: nil) { key, value in
            guard !key.hasSuffix("/ready") else { return }
            do {
                let report = try JSONDecoder().decode(LoadReport.self, from: value)
                guard report.runID == runID else { return }
                reports[report.workerIndex] = report
            } catch {
                problems.append("\(key): not a report (\(error))")
            }
        }
        if let problem = problems.first { throw LoadGenError("report topic \(topic): \(problem)", code: .invalidData) }
        return reports.keys.sorted().map { reports[$0]! }
    }

    /// Waits until every worker of the run has published its report (or `timeout` passes), then merges them.
    public func awaitMerged(runID: String, workers: Int, timeout: Duration) throws -> LoadReport {
        let deadline = ContinuousClock.now + timeout
        while true {
            let published = try reports(runID: runID)
            if published.count >= workers || ContinuousClock.now > deadline {
                return try LoadReportMerger.merge(published)
            }
            logger.notice("\(published.count) of \(workers) reports of run \(runID) on \(topic); waiting for the rest")
            Thread.sleep(forTimeInterval: 5)
        }
    }

    private func produce(key: String, value: Data) throws {
        let outcome = SharedState<KafkaError??>(nil)
        var producerProperties = properties
        producerProperties.setDefault("message.timeout.ms", "30000")
        let producer = try KafkaProducer(properties: producerProperties, logger: logger) { report in
            outcome.withLock { $0 = .some(report.error) }
        }
        try producer.send(KafkaOutgoingMessage(topic: topic, key: Data(key.utf8), value: value), id: 0)
        producer.close(timeout: .seconds(30))
        switch outcome.withLock({ $0 }) {
        case .some(.none): return
        case .some(.some(let error)): throw LoadGenError("could not publish to report topic \(topic): \(error.reason)", code: .publishFailed)
        case .none: throw LoadGenError("could not publish to report topic \(topic): no acknowledgement", code: .publishFailed)
        }
    }

    /// Reads the topic from the beginning, handing each record whose key starts with `<run id>/` to `handle`.
    /// Without `until` it stops at the end as of the start; with it, it keeps reading new records until `until`
    /// says so.
    private func read(runID: String, until: (() -> Bool)?, handle: (String, Data) -> Void) throws {
        let consumer = try KafkaConsumer(properties: properties, logger: logger)
        defer { consumer.close() }
        guard let partitions = try consumer.metadata(topic: topic).topic(named: topic)?.partitions, !partitions.isEmpty else {
            throw LoadGenError("report topic \(topic) does not exist; create it (it is in kafka.topics of pipeline.yaml)", code: .missingTopic)
        }
        var remaining: [Int32: Int64] = [:]
        var starts: [KafkaTopicPartitionOffset] = []
        for partition in partitions {
            let (low, high) = try consumer.watermarks(topic: topic, partition: partition.id)
            starts.append(KafkaTopicPartitionOffset(topic: topic, partition: partition.id, offset: low))
            if high > low { remaining[partition.id] = high }
        }
        try consumer.assign(starts)
        let prefix = runID + "/"
        var lastRecord = ContinuousClock.now
        while true {
            if let until {
                if until() { return }
            } else if remaining.isEmpty || ContinuousClock.now - lastRecord > .seconds(30) {
                // Records below the high watermark can be gone (retention, compaction): stop when none come.
                return
            }
            guard let message = try consumer.poll(timeout: .milliseconds(200)) else { continue }
            lastRecord = .now
            if let end = remaining[message.partition], message.offset + 1 >= end { remaining[message.partition] = nil }
            guard let key = message.key.map({ String(decoding: $0, as: UTF8.self) }), key.hasPrefix(prefix) else { continue }
            handle(key, message.value)
        }
    }
}
