import Foundation
import Kafka
@testable import LoadGen
import TestSupport
import Testing

/// What image-loadgen writes for later: histogram logs other tools read, reports that name the system tested,
/// and `merge`'s refusals; plus input checked before anything starts.
@Suite(.timeLimit(.minutes(4)))
struct ImageLoadgenReportingTests {
    static let root = ImageLoadgenCommandTests.repositoryRoot
    static let noConfig = ImageLoadgenCommandTests.noConfig

    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("loadgen-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test func histogramLogDecodesWithAnIndependentImplementation() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = directory.appendingPathComponent("run.hlog").path
        let reportFile = directory.appendingPathComponent("report.json")
        let series = directory.appendingPathComponent("series.csv")
        // Reading back the topic it writes also used to fail on the embedded cluster (TOPIC_ALREADY_EXISTS).
        let result = try await runOffThePool(
            "image-loadgen",
            Self.noConfig + [
                "--rate", "200", "--duration", "3s", "--width", "32", "--height", "32", "--observe-topic", "images",
                "-X", "fetch.wait.max.ms=10", "--histogram-log", log, "--report", reportFile.path,
                "--timeseries", series.path, "--plot", directory.appendingPathComponent("chart.svg").path,
            ])
        #expect(result.status == 0, "\(result.standardError)")
        let report = try JSONDecoder().decode(LoadReport.self, from: Data(contentsOf: reportFile))
        #expect(report.system == "embedded")
        #expect(!report.librdkafka.isEmpty)
        #expect(result.standardOutput.contains("system        embedded (librdkafka \(report.librdkafka))"))
        #expect(report.endToEndReceived == 600)

        let python = Self.root.appendingPathComponent(".venv-hdr/bin/python").path
        try #require(FileManager.default.isExecutableFile(atPath: python), "run `make test` (or `make .venv-hdr/bin/python`) first")
        let decoder = Process()
        decoder.executableURL = URL(fileURLWithPath: python)
        decoder.arguments = [Self.root.appendingPathComponent("Tests/LoadGenTests/decode_histogram_log.py").path, log]
        let output = Pipe()
        decoder.standardOutput = output
        try decoder.run()
        let data = try await offThePool { output.fileHandleForReading.readDataToEndOfFile() }
        decoder.waitUntilExit()
        #expect(decoder.terminationStatus == 0)
        let tags = try JSONSerialization.jsonObject(with: data) as! [String: [String: Double]]
        #expect(Set(tags.keys) == ["latency", "service", "e2e"])
        #expect(tags["latency"]?["count"] == Double(report.latencyMilliseconds.count))
        #expect(tags["service"]?["count"] == Double(report.serviceTimeMilliseconds.count))
        #expect(tags["e2e"]?["count"] == Double(report.endToEndLatencyMilliseconds?.count ?? 0))
        // The same percentiles, within HdrHistogram's precision (3 significant digits).
        for (tag, summary) in [("latency", report.latencyMilliseconds), ("e2e", report.endToEndLatencyMilliseconds!)] {
            let p99 = (tags[tag]?["p99"] ?? 0) / 1000
            #expect(abs(p99 - summary.p99) <= summary.p99 * 0.001 + 0.001, "\(tag) p99 \(p99) vs \(summary.p99)")
        }

        let rows = try String(contentsOf: series, encoding: .utf8).split(separator: "\n")
        #expect(rows[0].hasSuffix("e2e_received,e2e_p50_ms,e2e_p99_ms,e2e_max_ms"))
        let columns = rows.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        #expect(columns.compactMap { UInt64($0[8]) }.reduce(0, +) == 600)
        let secondsWithDeliveries = columns.filter { (UInt64($0[2]) ?? 0) > 0 }.count
        #expect(tags["latency"]?["intervals"] == Double(secondsWithDeliveries), "one interval per second with deliveries")
        #expect(try String(contentsOf: directory.appendingPathComponent("chart.svg"), encoding: .utf8).contains("end-to-end latency"))
    }

    @Test func aMissingSourceFailsBeforeAnyClusterStarts() async throws {
        let result = try await runOffThePool("image-loadgen", Self.noConfig + ["--source", "missing/", "--count", "1"])
        #expect(result.status == 64)
        #expect(result.standardError.contains("missing/"))
        #expect(!result.standardError.contains("embedded"), "\(result.standardError)")
    }

    @Test func requiredBrokersMakeTheEmbeddedFallbackAnError() async throws {
        for (arguments, environment) in [
            (["--require-brokers"], [String: String]()), ([], ["IMAGE_LOADGEN_REQUIRE_BROKERS": "1"]),
        ] {
            let result = try await runOffThePool(
                "image-loadgen", Self.noConfig + arguments + ["--count", "1"], environment: environment)
            #expect(result.status == 64)
            #expect(result.standardError.contains("No Kafka brokers configured"), "\(result.standardError)")
            #expect(!result.standardError.contains("started an embedded"))
        }
    }

    static func workerReport(_ index: Int, runID: String = "run-a") throws -> LoadReport {
        var metrics = LoadMetrics()
        for value in 0..<100 {
            metrics.deliveries.addDelivery(
                at: .milliseconds(value * 10), latency: .microseconds(1_000 + value * (index + 1) * 37),
                service: .microseconds(500), bytes: 1_000, measured: true)
            metrics.sends.addSend(at: .milliseconds(value * 10), lag: .microseconds(20), measured: true)
        }
        metrics.finish()
        var report = sampleReport(p99: metrics.latencySummary.p99, failed: 0, rate: 100)
        report.runID = runID
        report.workers = 2
        report.workerIndex = index
        report.latencyMilliseconds = metrics.latencySummary
        report.histograms = metrics.encodedHistograms
        report.seconds = metrics.timeseries
        return report
    }

    @Test func mergeCombinesFilesAndRefusesBadInputInOneLine() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        func write(_ report: LoadReport, _ name: String) throws -> String {
            let path = directory.appendingPathComponent(name).path
            try LoadReporters.json(report).write(to: URL(fileURLWithPath: path))
            return path
        }
        let first = try write(Self.workerReport(0), "w0.json")
        let second = try write(Self.workerReport(1), "w1.json")
        let merged = directory.appendingPathComponent("merged.json").path
        let good = try await runOffThePool("image-loadgen", ["merge", first, second, "--report", merged, "--threshold", "delivered==200"])
        #expect(good.status == 0, "\(good.standardError)")
        #expect(good.standardOutput.contains("2 workers combined"))
        let report = try JSONDecoder().decode(LoadReport.self, from: Data(contentsOf: URL(fileURLWithPath: merged)))
        #expect(report.delivered == 200 && report.latencyMilliseconds.count == 200)

        let failing = try await runOffThePool("image-loadgen", ["merge", first, second, "--threshold", "p99<1ms"])
        #expect(failing.status == 3, "thresholds on the merged figures keep run's exit codes")

        let otherRun = try write(Self.workerReport(1, runID: "run-b"), "other.json")
        let truncatedLog = directory.appendingPathComponent("cut.hlog").path
        try Data("#[StartTime: 1.000 (seconds since epoch)]\nTag=latency,0.000,1.000,2.000,HISTFAAAAB".utf8)
            .write(to: URL(fileURLWithPath: truncatedLog))
        for (arguments, mentions) in [
            ([first, directory.appendingPathComponent("absent.json").path], "absent.json"),
            ([first, otherRun], "different runs"),
            ([first], "did not report"),
            ([first, first], "reported twice"),
            ([truncatedLog], "cut.hlog line 2"),
            ([String](), "--run-id"),
        ] {
            let result = try await runOffThePool("image-loadgen", ["merge"] + arguments)
            #expect(result.status != 0)
            let errorLines = result.standardError.split(separator: "\n").filter { $0.hasPrefix("Error:") }
            #expect(errorLines.count == 1, "\(result.standardError)")
            #expect(errorLines.first?.contains(mentions) == true, "\(mentions): \(result.standardError)")
        }
    }
}

/// Three image-loadgen processes as the Job's pods run them: a barrier, reports on the topic, worker 0 merging;
/// then `merge --run-id` reading the same reports back.
@Suite(.timeLimit(.minutes(4)))
struct DistributedCommandTests {
    @Test func threeProcessesMeetAndWorkerZeroPrintsTheCombinedReport() async throws {
        let cluster = try KafkaMockCluster(brokers: 1)
        try cluster.createTopic("images", partitions: 3)
        try cluster.createTopic("loadgen-reports", partitions: 1)
        let directory = try ImageLoadgenReportingTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let runID = "cli-\(UUID().uuidString.prefix(8))"
        let workers = try (0..<3).map { index in
            try BuiltProduct.start(
                "image-loadgen",
                ImageLoadgenReportingTests.noConfig + [
                    "--bootstrap-servers", cluster.bootstrapServers, "--rate", "150", "--duration", "2s", "--width", "16",
                    "--height", "16", "--verify", "--workers", "3", "--worker-index", String(index), "--run-id", runID,
                    "--report-topic", "loadgen-reports", "--barrier", "--merge",
                    "--merged-report", directory.appendingPathComponent("combined.json").path,
                    "--histogram-log", directory.appendingPathComponent("w\(index).hlog").path, "--log-level", "warning",
                ])
        }
        let results = try await offThePool {
            workers.map { worker in
                worker.process.waitUntilExit()
                return worker.finish()
            }
        }
        #expect(results.map(\.status) == [0, 0, 0], "\(results.map(\.standardError))")
        #expect(results[0].standardOutput.contains("combined:"))
        #expect(results[0].standardOutput.contains("3 workers combined"))
        #expect(!results[1].standardOutput.contains("combined:"))
        let combined = try JSONDecoder().decode(
            LoadReport.self, from: Data(contentsOf: directory.appendingPathComponent("combined.json")))
        #expect(combined.delivered == 300 && combined.verify?.isClean == true && combined.mergedWorkers == [0, 1, 2])

        let merged = try await runOffThePool(
            "image-loadgen",
            ["merge", "--run-id", runID, "--report-topic", "loadgen-reports", "--bootstrap-servers", cluster.bootstrapServers]
                + (0..<3).map { directory.appendingPathComponent("w\($0).hlog").path })
        #expect(merged.status == 0, "\(merged.standardError)")
        #expect(merged.standardOutput.contains("sent 300  delivered 300  failed 0"))
    }
}

/// Runs a built product to completion on a thread of its own: waiting for it must not hold one of the few
/// threads of Swift's cooperative pool, which other suites' servers need.
func runOffThePool(_ name: String, _ arguments: [String], environment: [String: String] = [:]) async throws
    -> BuiltProduct.Result
{
    try await offThePool { try BuiltProduct.run(name, arguments, environment: environment) }
}
