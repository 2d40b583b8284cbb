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
        let topics = ["c-producer", "loadgen-folder", "loadgen-pool", "loadgen-fresh", "pipeline-dlq"]
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

        // 1. Producer throughput: the same JPEG files, as fast as possible, C versus image-loadgen.
        var cRates: [Double] = []
        var folderRates: [Double] = []
        for _ in 0..<rounds {
            let c = try runJSON(binary("baseline-kafka-producer"), [bootstrap, "c-producer", String(messages)] + jpegFiles)
            cRates.append(c["rate"] as! Double)
            folderRates.append(rate(ofAcknowledged: try loadgen("loadgen-folder", ["--rate", "0", "--count", String(messages), "--source", images])))
        }
        let pool = rate(ofAcknowledged: try loadgen(
            "loadgen-pool", ["--rate", "0", "--count", String(messages), "--pool", "64", "--width", "224", "--height", "224", "--quality", "90"]))
        results.append(comparison(
            "producer throughput, pre-encoded 224×224 JPEGs, --rate 0", "images/s",
            measured: folderRates.max()!, baseline: cRates.max()!, baselineName: "C librdkafka producer, same files and settings",
            goal: 0.8, extra: ["synthetic_pool_rate": pool]))

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
                extra: ["schedule_lag_p99_ms": lag["p99"] as! Double, "late_sends": report["late_sends"] as! Int,
                        "latency_p99_ms": (report["latency_ms"] as! [String: Any])["p99"] as! Double]))
        }

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
