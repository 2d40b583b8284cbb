import Foundation
import Histogram
import Kafka
@testable import LoadGen
import Logging
import Synchronization
import TestSupport
import Testing

/// Three workers on the embedded cluster, as the Kubernetes Job runs them: one run id, a start barrier through
/// the report topic, each publishing its report there; then the reports merged from files and from the topic.
@Suite(.timeLimit(.minutes(5)))
struct DistributedRunTests {
    struct Outcome: Sendable {
        var starts: [Int: Date]
        var reports: [LoadReport]
        var fromTopic: [LoadReport]
        var errors: [String]
    }

    @Test func threeWorkersMeetRunAndMergeExactly() async throws {
        // The workers, the barrier and the topic block: they run on a thread of their own, off the pool.
        let outcome = try await offThePool { try Self.runThreeWorkers() }
        try #require(outcome.errors.isEmpty, "\(outcome.errors)")
        #expect(Set(outcome.starts.values).count == 1, "the barrier gives every worker the same start: \(outcome.starts)")
        let workerReports = outcome.reports
        #expect(workerReports.map(\.delivered) == [200, 200, 200])
        #expect(workerReports.allSatisfy { $0.verify?.isClean == true }, "\(workerReports.map { $0.verify as Any })")

        // From files: through the JSON a worker writes.
        let decoded = try workerReports.map { try JSONDecoder().decode(LoadReport.self, from: LoadReporters.json($0)) }
        let merged = try LoadReportMerger.merge(decoded)
        #expect(merged.sent == 600 && merged.delivered == 600 && merged.failed == 0)
        #expect(merged.verify == VerifyReport(consumed: 600, missing: 0, duplicates: 0, corrupt: 0, missingSample: []))
        #expect(merged.latencyMilliseconds.count == 600)
        #expect(merged.mergedWorkers == [0, 1, 2])
        #expect(merged.seconds?.reduce(0) { $0 + $1.sent } == 600)
        #expect(merged.targetRate == 300)

        // The merged p99 is the p99 of one histogram holding every worker's values.
        var union = LoadGen.histogram()
        for report in workerReports {
            union.add(try Histogram<UInt64>.decode(compressedBase64: Substring(report.histograms!.latency)))
        }
        #expect(merged.latencyMilliseconds == LatencySummary(union))

        // From the report topic: the same figures.
        let fromTopic = outcome.fromTopic
        #expect(fromTopic.map(\.workerIndex) == [0, 1, 2])
        let mergedFromTopic = try LoadReportMerger.merge(fromTopic)
        #expect(mergedFromTopic.delivered == 600)
        #expect(mergedFromTopic.latencyMilliseconds == merged.latencyMilliseconds)
        #expect(mergedFromTopic.verify == merged.verify)
    }


    /// Three workers come up at different times, meet on the barrier, run, and publish their reports.
    static func runThreeWorkers() throws -> Outcome {
        let cluster = try KafkaMockCluster(brokers: 3)
        try cluster.createTopic("images", partitions: 3)
        try cluster.createTopic("loadgen-reports", partitions: 1)
        let properties = KafkaProperties(["bootstrap.servers": cluster.bootstrapServers, "retry.backoff.ms": "50"])
        let runID = "test-\(UUID().uuidString.prefix(8))"
        let topic = ReportTopic(topic: "loadgen-reports", properties: properties, logger: quiet)
        let starts = SharedState<[Int: Date]>([:])
        let reports = SharedState<[Int: LoadReport]>([:])
        let errors = SharedState<[String]>([])
        let threads = (0..<3).map { index in
            Thread {
                do {
                    // Workers come up at different times, as pods do.
                    usleep(UInt32(index) * 700_000)
                    let start = try topic.barrier(runID: runID, workerIndex: index, workers: 3, delay: .seconds(1), timeout: .seconds(60))
                    starts.withLock { $0[index] = start }
                    var worker = config(cluster, rate: 300, duration: .seconds(2))
                    worker.runID = runID
                    worker.workers = 3
                    worker.workerIndex = index
                    worker.startAt = start
                    let (report, _) = try LoadGenerator(config: worker, logger: quiet).run()
                    try topic.publish(report)
                    reports.withLock { $0[index] = report }
                } catch {
                    errors.withLock { $0.append("worker \(index): \(error)") }
                }
            }
        }
        threads.forEach { $0.start() }
        guard eventually(timeout: 120, { reports.withLock { $0.count } + errors.withLock { $0.count } == 3 }) else {
            throw LoadGenError("the workers did not finish")
        }
        return Outcome(
            starts: starts.withLock { $0 }, reports: reports.withLock { $0 }.sorted { $0.key < $1.key }.map(\.value),
            fromTopic: try topic.reports(runID: runID), errors: errors.withLock { $0 })
    }

    @Test func mergeRefusesIncompleteOrMixedRuns() throws {
        var first = sampleReport(p99: 1, failed: 0, rate: 1)
        first.workers = 2
        first.histograms = LoadMetrics().encodedHistograms
        var second = first
        second.workerIndex = 1
        #expect(throws: Never.self) { try LoadReportMerger.merge([first, second]) }
        #expect(throws: LoadGenError.self) { try LoadReportMerger.merge([first]) }
        #expect(throws: LoadGenError.self) { try LoadReportMerger.merge([first, first]) }
        var otherRun = second
        otherRun.runID = "another"
        #expect(throws: LoadGenError.self) { try LoadReportMerger.merge([first, otherRun]) }
        var noHistograms = second
        noHistograms.histograms = nil
        #expect(throws: LoadGenError.self) { try LoadReportMerger.merge([first, noHistograms]) }
    }

    @Test func verifyIgnoresIdsOutsideTheRunWithoutStoringThem() async throws {
        let report = try await offThePool { try Self.runWithForgedIds() }
        #expect(report.verify == VerifyReport(consumed: 200, missing: 0, duplicates: 0, corrupt: 0, missingSample: []))
    }

    /// A run while another producer writes ids far beyond its range under the same run id.
    static func runWithForgedIds() throws -> LoadReport {
        let cluster = try KafkaMockCluster(brokers: 1)
        try cluster.createTopic("images", partitions: 1)
        var worker = config(cluster, rate: 200, duration: .seconds(1))
        worker.runID = "forged-\(UUID().uuidString.prefix(8))"
        let runID = worker.runID
        // Another producer writes ids far beyond this run's range under the same run id while it runs.
        let forger = try KafkaProducer(properties: worker.properties, logger: quiet) { _ in }
        let forging = Thread {
            usleep(300_000)
            for id: UInt64 in [UInt64.max, 1 << 60, 1_000_000_000] {
                try? forger.send(
                    KafkaOutgoingMessage(
                        topic: "images", value: Data([0xFF, 0xD8]),
                        headers: [KafkaHeader("image-id", String(id)), KafkaHeader("run-id", runID)]), id: id)
            }
        }
        forging.start()
        let (report, _) = try LoadGenerator(config: worker, logger: quiet).run()
        forger.close()
        return report
    }
}
