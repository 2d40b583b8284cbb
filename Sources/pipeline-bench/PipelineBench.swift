import ArgumentParser
import Foundation

/// `make bench`: image-loadgen against plain-C baselines measured in the same run, on the same embedded cluster,
/// reported as ratios because the machines are shared and noisy. Each pair runs alternately, best of `--rounds`.
@main
struct PipelineBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline-bench",
        abstract: "Measure image-loadgen against plain-C librdkafka and libjpeg baselines, as same-run ratios.",
        discussion: """
            Runs the release binaries found beside this one: local-kafka (the embedded cluster every run uses), \
            baseline-kafka-producer, baseline-jpeg-encode and image-loadgen. Prints a table and writes it as JSON.
            """)

    @Option(help: "Messages per producer-throughput run.")
    var messages = 60_000

    @Option(help: "Seconds per encoding and fixed-rate run.")
    var seconds = 8

    @Option(help: "Alternating rounds per comparison; the best of each side counts.")
    var rounds = 2

    @Option(help: "Fixed rates to hold, images per second.")
    var fixedRates: [Int] = [5_000, 20_000]

    @Option(help: "Seconds of the memory soak at 5,000/s with --verify and --observe-topic (resident memory after it vs after 60 s).")
    var soakSeconds = 600

    @Option(help: "The Python with the hdrhistogram package that cross-checks merged histograms (make creates it).")
    var hdrPython = ".venv-hdr/bin/python"

    @Option(help: "Folder of JPEG files both producers send.")
    var images = "datasets/sample-images"

    @Option(help: "Where to write the results.")
    var output = "out/bench.json"

    func run() throws {
        let binaries = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        func binary(_ name: String) -> String { binaries.appendingPathComponent(name).path }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("bench-\(getpid())")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }

        let bootstrapFile = scratch.appendingPathComponent("bootstrap").path
        // The built-in defaults, whatever ./pipeline.yaml says.
        let emptyConfig = scratch.appendingPathComponent("empty.yaml").path
        try Data().write(to: URL(fileURLWithPath: emptyConfig))
        let topics = ["c-producer", "loadgen-folder", "loadgen-lz4", "loadgen-pool", "loadgen-fresh", "pipeline-dlq", "soak", "merge"]
            + fixedRates.map { "rate-\($0)" } + [0, 20].flatMap { ["pipeline-in-\($0)ms", "pipeline-out-\($0)ms"] }
        let cluster = Process()
        cluster.executableURL = URL(fileURLWithPath: binary("local-kafka"))
        cluster.arguments = ["--brokers", "3", "--bootstrap-file", bootstrapFile, "--log-level", "error", "--config", emptyConfig]
            + topics.flatMap { ["--topic", "\($0):6"] }
        cluster.standardOutput = FileHandle.nullDevice
        try cluster.run()
        defer {
            cluster.terminate()
            cluster.waitUntilExit()
        }
        var waited = 0
        while !FileManager.default.fileExists(atPath: bootstrapFile) && waited < 300 {
            usleep(100_000)
            waited += 1
        }
        let bootstrap = try String(contentsOfFile: bootstrapFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let jpegFiles = try FileManager.default.contentsOfDirectory(atPath: images).filter { $0.hasSuffix(".jpg") }.sorted()
            .map { "\(images)/\($0)" }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        var results: [[String: Any]] = []

        func loadgen(_ topic: String, _ arguments: [String]) throws -> [String: Any] {
            let report = scratch.appendingPathComponent("\(topic)-\(UUID()).json").path
            _ = try runJSON(
                binary("image-loadgen"),
                ["--config", emptyConfig, "--bootstrap-servers", bootstrap, "--topic", topic, "--quiet",
                 "--report", report, "--log-level", "error"] + arguments, jsonFrom: nil)
            return try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report))) as! [String: Any]
        }
        func rate(ofAcknowledged report: [String: Any]) -> Double {
            Double(report["delivered"] as! Int) / (report["elapsed_s"] as! Double)
        }

        // 1. Producer throughput: the same JPEG files, as fast as possible, C versus image-loadgen's pool of
        // pre-read images (--source is a pool of those files), neither compressing.
        var cRates: [Double] = []
        var folderRates: [Double] = []
        var folderCPU: [Double] = []
        var lz4Rates: [Double] = []
        var lz4CPU: [Double] = []
        for _ in 0..<rounds {
            let c = try runJSON(binary("baseline-kafka-producer"), [bootstrap, "c-producer", String(messages)] + jpegFiles)
            cRates.append(c["rate"] as! Double)
            let folder = try loadgen("loadgen-folder", ["--rate", "0", "--count", String(messages), "--source", images])
            folderRates.append(rate(ofAcknowledged: folder))
            folderCPU.append(cpuMicrosecondsPerImage(folder))
            // What the example configuration used to set: lz4 on already-compressed JPEGs.
            let lz4 = try loadgen(
                "loadgen-lz4", ["--rate", "0", "--count", String(messages), "--source", images, "-X", "compression.type=lz4"])
            lz4Rates.append(rate(ofAcknowledged: lz4))
            lz4CPU.append(cpuMicrosecondsPerImage(lz4))
        }
        let pool = rate(ofAcknowledged: try loadgen(
            "loadgen-pool", ["--rate", "0", "--count", String(messages), "--pool", "64", "--width", "224", "--height", "224", "--quality", "90"]))
        results.append(comparison(
            "producer throughput, pool of the same JPEG files, --rate 0, no compression", "images/s",
            measured: folderRates.max()!, baseline: cRates.max()!,
            baselineName: "C librdkafka producer polling every 4096 messages, same files, key, headers and settings",
            goal: 0.9, extra: ["synthetic_pool_rate": pool, "cpu_us_per_image": folderCPU.min()!]))
        results.append(comparison(
            "lz4 compression of JPEGs, --rate 0", "images/s", measured: lz4Rates.max()!, baseline: folderRates.max()!,
            baselineName: "the same run without compression", goal: 0,
            extra: ["cpu_us_per_image_lz4": lz4CPU.min()!, "cpu_us_per_image_none": folderCPU.min()!]))

        // 2. Fresh encoding: every image encoded anew on `cores` encoder threads, versus libjpeg alone.
        var encodeRates: [Double] = []
        var freshRates: [Double] = []
        for _ in 0..<rounds {
            let c = try runJSON(binary("baseline-jpeg-encode"), ["224", "224", "90", String(cores), String(seconds)])
            encodeRates.append(c["rate"] as! Double)
            // Images made per second while sending; the drain after the last send is Kafka's, not encoding.
            let fresh = try loadgen(
                "loadgen-fresh",
                ["--rate", "0", "--duration", "\(seconds)s", "--pool", "0", "--encoders", String(cores), "--width", "224",
                 "--height", "224", "--quality", "90"])
            freshRates.append(Double(fresh["sent"] as! Int) / (fresh["duration_s"] as! Double))
        }
        results.append(comparison(
            "fresh encoding, 224×224 at quality 90, \(cores) encoder threads, --rate 0", "images/s",
            measured: freshRates.max()!, baseline: encodeRates.max()!, baselineName: "libjpeg alone on \(cores) threads",
            goal: 0.8, extra: [:]))

        // 3. Fixed rates: how close the achieved rate is to the target, and how late sends leave.
        for target in fixedRates {
            // The first second, while the idempotent producer gets its id, is not the steady state being measured.
            let report = try loadgen(
                "rate-\(target)", ["--rate", String(target), "--duration", "\(seconds + 1)s", "--warmup", "1s", "--pool", "64"])
            let achieved = report["achieved_rate"] as! Double
            let lag = report["schedule_lag_ms"] as! [String: Any]
            results.append(comparison(
                "fixed rate \(target)/s for \(seconds)s", "images/s", measured: achieved, baseline: Double(target),
                baselineName: "target", goal: 0.995,
                extra: ["late_sends": report["late_sends"] as! Int,
                        "latency_p99_ms": (report["latency_ms"] as! [String: Any])["p99"] as! Double]))
            results.append(budget(
                "schedule lag p99 at \(target)/s", "ms", measured: lag["p99"] as! Double, budget: 1,
                extra: ["schedule_lag_max_ms": lag["max"] as! Double]))
        }

        // 3b. Flat memory: resident memory after the soak against after its first minute, at 5,000/s while
        // reading the topic back twice (--verify, and --observe-topic on the same topic).
        let (early, late) = try soakMemory(binary: binary, bootstrap: bootstrap, emptyConfig: emptyConfig)
        results.append(budget(
            "resident memory after \(soakSeconds)s / after 60s, 5000/s, --verify --observe-topic", "ratio",
            measured: late / early, budget: 1.1, extra: ["rss_60s_mb": early / 1e6, "rss_end_mb": late / 1e6]))

        // 3c. Merge exactness: three workers' reports merged, against an independent implementation adding the
        // three histogram logs, and against what averaging the workers' p99 would claim.
        results.append(try mergeExactness(binary: binary, bootstrap: bootstrap, emptyConfig: emptyConfig, scratch: scratch))

        // 4. The whole pipeline: image-loadgen → inference-app → local model server → predictions, read back.
        for latency in [0, 20] {
            let perSecond = try pipelineThroughput(
                binary: binary, bootstrap: bootstrap, emptyConfig: emptyConfig, scratch: scratch, latencyMilliseconds: latency,
                images: 4_000)
            if latency == 0 {
                results.append(comparison(
                    "pipeline throughput, 64×64 images, model server adding 0 ms, --concurrency 32", "predictions/s", measured: perSecond,
                    baseline: pool, baselineName: "image-loadgen alone into Kafka (synthetic pool)", goal: 0, extra: [:]))
            } else {
                results.append(comparison(
                    "pipeline throughput, 64×64 images, model server adding 20 ms, --concurrency 32", "predictions/s", measured: perSecond,
                    baseline: 32 / 0.020, baselineName: "concurrency / latency", goal: 0.8, extra: [:]))
            }
        }

        print(String(format: "%-70@ %12@ %12@ %8@", "benchmark" as NSString, "measured" as NSString, "baseline" as NSString, "ratio" as NSString))
        for result in results {
            print(String(
                format: "%-70@ %12.1f %12.1f %7.1f%%", result["name"] as! NSString, result["measured"] as! Double,
                result["baseline"] as! Double, 100 * (result["ratio"] as! Double)))
            for (key, value) in (result["extra"] as! [String: Any]).sorted(by: { $0.key < $1.key }) {
                print("    \(key): \(value)")
            }
        }
        let json = try JSONSerialization.data(
            withJSONObject: ["cores": cores, "date": ISO8601DateFormatter().string(from: Date()), "results": results],
            options: [.prettyPrinted, .sortedKeys])
        let outputURL = URL(fileURLWithPath: output)
        try FileManager.default.createDirectory(at: outputURL.deletingLastPathComponent(), withIntermediateDirectories: true)
        try json.write(to: outputURL)
        print("written to \(output)")
    }

    /// Starts a model server and inference-app, sends `images` as fast as possible with --observe-topic, and
    /// returns predictions per second from the first send to the last prediction read back.
    private func pipelineThroughput(
        binary: (String) -> String, bootstrap: String, emptyConfig: String, scratch: URL, latencyMilliseconds: Int, images: Int
    ) throws -> Double {
        let suffix = "\(latencyMilliseconds)ms"
        let modelPort = 20_000 + Int(getpid() % 10_000)
        let appPort = modelPort + 1
        let model = try start(binary("local-model-server"), [
            "--config", emptyConfig, "--port", String(modelPort), "--latency", "\(latencyMilliseconds)ms", "--log-level", "error",
        ])
        // The embedded brokers answer a fetch only when fetch.wait.max.ms runs out: keep it short.
        let app = try start(binary("inference-app"), [
            "--config", emptyConfig, "--bootstrap-servers", bootstrap, "-X", "fetch.wait.max.ms=10",
            "--input-topic", "pipeline-in-\(suffix)", "--output-topic", "pipeline-out-\(suffix)",
            "--dead-letter-topic", "pipeline-dlq", "--group-id", "bench-\(suffix)", "--concurrency", "32",
            "--model-url", "http://127.0.0.1:\(modelPort)/v1/models/image-classifier:predict",
            "--http-host", "127.0.0.1", "--http-port", String(appPort), "--log-level", "error",
        ])
        defer {
            for process in [app, model] {
                process.terminate()
                process.waitUntilExit()
            }
        }
        // Let the app join its group before the clock starts.
        sleep(8)
        let started = Date()
        let report = scratch.appendingPathComponent("pipeline-\(suffix).json").path
        _ = try runJSON(binary("image-loadgen"), [
            "--config", emptyConfig, "--bootstrap-servers", bootstrap, "-X", "fetch.wait.max.ms=10",
            "--topic", "pipeline-in-\(suffix)", "--observe-topic", "pipeline-out-\(suffix)", "--rate", "0",
            // Small images: the embedded brokers keep only ~5 MB per partition, and a backlog must not age out.
            "--count", String(images), "--pool", "64", "--width", "64", "--height", "64", "--quiet", "--log-level", "error",
            "--report", report,
        ], jsonFrom: nil)
        let result = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report))) as! [String: Any]
        let received = result["e2e_received"] as? Int ?? 0
        // image-loadgen waits for the last prediction, so its run time bounds the pipeline's.
        return Double(received) / Date().timeIntervalSince(started)
    }

    private func cpuMicrosecondsPerImage(_ report: [String: Any]) -> Double {
        1e6 * (report["cpu_s"] as? Double ?? .nan) / Double(max(1, report["sent"] as? Int ?? 1))
    }

    /// Runs image-loadgen for `soakSeconds` at 5,000/s and samples its resident memory after 60 s and at the end.
    private func soakMemory(binary: (String) -> String, bootstrap: String, emptyConfig: String) throws -> (Double, Double) {
        let process = try start(binary("image-loadgen"), [
            "--config", emptyConfig, "--bootstrap-servers", bootstrap, "-X", "fetch.wait.max.ms=10", "--topic", "soak",
            "--rate", "5000", "--duration", "\(soakSeconds)s", "--pool", "64", "--width", "64", "--height", "64",
            "--verify", "--observe-topic", "soak", "--quiet", "--log-level", "error",
        ])
        defer { process.waitUntilExit() }
        let started = Date()
        func sleep(until offset: Double) { Thread.sleep(forTimeInterval: max(0, offset - Date().timeIntervalSince(started))) }
        sleep(until: 60)
        let early = try residentBytes(process.processIdentifier)
        sleep(until: Double(max(61, soakSeconds - 2)))
        let late = try residentBytes(process.processIdentifier)
        return (early, late)
    }

    private func residentBytes(_ pid: Int32) throws -> Double {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { throw ValidationError("no VmRSS for process \(pid)") }
        return kilobytes * 1024
    }

    private func mergeExactness(binary: (String) -> String, bootstrap: String, emptyConfig: String, scratch: URL) throws -> [String: Any] {
        let runID = "bench-merge-\(getpid())"
        let workers = try (0..<3).map { index in
            try start(binary("image-loadgen"), [
                "--config", emptyConfig, "--bootstrap-servers", bootstrap, "--topic", "merge", "--rate", "3000",
                "--duration", "\(seconds)s", "--pool", "64", "--workers", "3", "--worker-index", String(index), "--run-id", runID,
                "--report", scratch.appendingPathComponent("merge-\(index).json").path,
                "--histogram-log", scratch.appendingPathComponent("merge-\(index).hlog").path, "--quiet", "--log-level", "error",
            ])
        }
        for worker in workers { worker.waitUntilExit() }
        let reports = (0..<3).map { scratch.appendingPathComponent("merge-\($0).json").path }
        let logs = (0..<3).map { scratch.appendingPathComponent("merge-\($0).hlog").path }
        let merged = scratch.appendingPathComponent("merged.json").path
        _ = try runJSON(binary("image-loadgen"), ["merge"] + reports + ["--report", merged], jsonFrom: nil)
        func p99(_ path: String) throws -> Double {
            let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
            return (report["latency_ms"] as! [String: Any])["p99"] as! Double
        }
        let independent = try runJSON(hdrPython, ["Tests/LoadGenTests/decode_histogram_log.py"] + logs)
        let independentP99 = ((independent["latency"] as? [String: Any])?["p99"] as? Double ?? .nan) / 1000
        let averaged = try reports.map(p99).reduce(0, +) / 3
        var result = comparison(
            "merge of 3 workers: latency p99", "ms", measured: try p99(merged), baseline: independentP99,
            baselineName: "Python hdrhistogram adding the 3 workers' histogram logs", goal: 1,
            extra: ["average_of_worker_p99_ms": averaged])
        // Exact means equal, not merely at least.
        result["meets_goal"] = try p99(merged) == independentP99
        return result
    }

    /// A figure that must stay within a budget (lower is better): the ratio is measured / budget.
    private func budget(_ name: String, _ unit: String, measured: Double, budget: Double, extra: [String: Any]) -> [String: Any] {
        ["name": name, "unit": unit, "measured": measured, "baseline": budget, "baseline_name": "budget",
         "ratio": measured / budget, "goal_ratio": 1, "meets_goal": measured <= budget, "extra": extra]
    }

    private func start(_ path: String, _ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        return process
    }

    private func comparison(
        _ name: String, _ unit: String, measured: Double, baseline: Double, baselineName: String, goal: Double,
        extra: [String: Any]
    ) -> [String: Any] {
        ["name": name, "unit": unit, "measured": measured, "baseline": baseline, "baseline_name": baselineName,
         "ratio": measured / baseline, "goal_ratio": goal, "meets_goal": measured / baseline >= goal, "extra": extra]
    }

    /// Runs a program to completion and parses the last line of its standard output as JSON.
    private func runJSON(_ path: String, _ arguments: [String], jsonFrom: Void? = ()) throws -> [String: Any] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ValidationError("\(path) \(arguments.prefix(6).joined(separator: " ")) … exited \(process.terminationStatus)")
        }
        guard jsonFrom != nil else { return [:] }
        let last = String(decoding: output, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? "{}"
        return (try JSONSerialization.jsonObject(with: Data(last.utf8))) as? [String: Any] ?? [:]
    }
}
