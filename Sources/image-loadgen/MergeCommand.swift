import ArgumentParser
import CommandSupport
import Foundation
import Kafka
import LoadGen
import PipelineConfig

extension ImageLoadgen {
    struct Merge: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Combine the reports of a distributed run's workers into one exact report.",
            discussion: """
                Counts are summed; percentiles come from the workers' histograms added together (exact to \
                HdrHistogram's precision, never an average of percentiles); the per-second series is summed second \
                by second; --verify results combine across workers (their image ids never overlap), and every \
                worker 0…N-1 must have reported exactly once. Thresholds are evaluated on the combined figures, \
                with run's exit codes (1 failed deliveries or verification, 3 a failed threshold).

                Inputs are JSON reports (--report of each worker), histogram logs (--histogram-log of each \
                worker: they make the per-second latency exact; alone, they give each tag's combined \
                percentiles), or the report topic: --run-id with --report-topic (or load.report_topic).

                Exit status: 0 success; 1 error, failed deliveries or a failed --verify; 3 a --threshold \
                failed; 64 bad input.

                Examples:
                  image-loadgen merge out/worker-*.json --report out/run.json \\
                    --plot out/run.svg
                  image-loadgen merge out/worker-*.json out/worker-*.hlog \\
                    --timeseries out/run.csv
                  image-loadgen merge --run-id nightly-42 \\
                    --report-topic loadgen-reports --threshold 'e2e_p99<200ms'
                """)

        @OptionGroup var configuration: ConfigurationOptions
        @OptionGroup(title: "Kafka") var kafka: KafkaConnectionOptions

        @Argument(help: ArgumentHelp("Workers' JSON reports and histogram logs.", valueName: "file"))
        var files: [String] = []

        @Option(help: ArgumentHelp("Read the reports of this run from the report topic.", valueName: "id"))
        var runID: String?

        @Option(help: ArgumentHelp("The report topic. Default: load.report_topic.", valueName: "topic"))
        var reportTopic: String?

        @OptionGroup(title: "Checks on the combined figures") var thresholds: ThresholdOptions

        @Option(help: ArgumentHelp("Write the combined JSON report here.", valueName: "file.json"))
        var report: String?

        @Option(help: ArgumentHelp("Write the combined per-second CSV here.", valueName: "file.csv"))
        var timeseries: String?

        @Option(help: ArgumentHelp("Write an SVG chart of the combined run here.", valueName: "file.svg"))
        var plot: String?

        @OptionGroup(title: "Logging") var logging: LoggingOptions

        func validate() throws {
            if files.isEmpty && runID == nil {
                throw ValidationError("Please pass the workers' report files, or --run-id to read them from the report topic.")
            }
            if let runID { try DistributedOptions.checkRunID(runID, source: "--run-id") }
        }

        func run() throws {
            let logger = logging.makeLogger(label: "image-loadgen")
            let outputs = ReportOutputs(json: report, csv: timeseries, svg: plot)
            var reports: [LoadReport] = []
            var logs: [HistogramLogInterval] = []
            do {
                for file in files {
                    if try Self.isJSON(file) {
                        reports.append(try Self.readReport(file))
                    } else {
                        logs += try HistogramLogReader.read(path: file)
                    }
                }
            } catch let error as LoadGenError {
                throw ValidationError(error.description)
            }
            let settings = try configuration.load()
            try outputs.checkWritable()
            if let runID {
                guard let topic = reportTopic ?? settings.load.reportTopic else {
                    throw ValidationError("Please pass --report-topic (or set load.report_topic) to read run \(runID).")
                }
                let properties = try kafka.kafkaProperties(configuration: settings)
                guard properties["bootstrap.servers"] != nil else {
                    throw ValidationError("Please pass --bootstrap-servers (or set KAFKA_BOOTSTRAP_SERVERS): the report topic is on a cluster.")
                }
                let fromTopic = try ReportTopic(topic: topic, properties: properties, logger: logger).reports(runID: runID)
                guard !fromTopic.isEmpty else { throw CommandFailure("report topic \(topic) holds no report of run \(runID)") }
                reports += fromTopic
            }
            if reports.isEmpty {
                try summarizeLogs(logs)
                return
            }
            var merged: LoadReport
            do {
                merged = try LoadReportMerger.merge(reports, logs: logs)
            } catch {
                throw ValidationError(error.description)
            }
            merged.thresholds = try thresholds.evaluate(merged)
            try outputs.write(merged, merged.seconds ?? [], title: "image-loadgen run \(merged.runID): \(merged.workers) workers combined")
            StandardOutput.write(line: LoadReporters.text(merged))
            try ReportOutputs.exitStatus(for: merged)
        }

        /// Histogram logs alone: each tag's intervals added, as HdrHistogram's log processor would.
        private func summarizeLogs(_ logs: [HistogramLogInterval]) throws {
            let totals: [String: LatencySummary]
            do {
                totals = try HistogramLogMerger.summaries(logs)
            } catch {
                throw ValidationError(error.description)
            }
            if !thresholds.texts.isEmpty {
                throw ValidationError("Please pass the workers' JSON reports too: --threshold needs their counts.")
            }
            if let report {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                try encoder.encode(["latency_ms_by_tag": totals]).write(to: URL(fileURLWithPath: report))
            }
            for (tag, summary) in totals.sorted(by: { $0.key < $1.key }) {
                StandardOutput.write(
                    line: String(
                        format: "%-10@ count %llu  p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f ms",
                        (tag.isEmpty ? "(untagged)" : tag) as NSString, summary.count, summary.p50, summary.p90, summary.p99,
                        summary.p999, summary.max))
            }
        }

        static func isJSON(_ path: String) throws -> Bool {
            guard let handle = FileHandle(forReadingAtPath: path) else {
                throw LoadGenError("cannot read \(path): no such file or not readable")
            }
            defer { try? handle.close() }
            let start = (try? handle.read(upToCount: 64)) ?? Data()
            return String(decoding: start, as: UTF8.self).drop(while: \.isWhitespace).first == "{"
        }

        static func readReport(_ path: String) throws -> LoadReport {
            do {
                return try JSONDecoder().decode(LoadReport.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
            } catch let error as DecodingError {
                throw LoadGenError("\(path) is not an image-loadgen report: \(Self.describe(error))")
            } catch {
                throw LoadGenError("cannot read \(path): \(error.localizedDescription)")
            }
        }

        private static func describe(_ error: DecodingError) -> String {
            switch error {
            case .keyNotFound(let key, _): "field \(key.stringValue) is missing"
            case .typeMismatch(_, let context), .valueNotFound(_, let context):
                "field \(context.codingPath.map(\.stringValue).joined(separator: ".")) has the wrong type"
            case .dataCorrupted(let context): context.debugDescription
            @unknown default: "\(error)"
            }
        }
    }
}
