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

    @Option(help: "Seconds of the memory soak at 5,000/s with --verify and --observe-topic (resident memory after it vs after 60 s).")
    var soakSeconds = 600

    @Option(help: "The Python with the hdrhistogram package that cross-checks merged histograms (make creates it).")
    var hdrPython = ".venv-hdr/bin/python"

    @Flag(help: "Run only the stream-app benchmarks (inference-app and its baselines).")
    var streamAppOnly = false

    @Option(help: "Images per stream-app throughput and CPU run.")
    var pipelineImages = 8_000

    @Option(help: "A Python with confluent-kafka and requests, for the baseline stream app (make bench makes one).")
    var python = ".venv-bench/bin/python"

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
            + fixedRates.map { "rate-\($0)" } + Self.pipelineRuns.flatMap { ["pipeline-in-\($0)", "pipeline-out-\($0)"] }
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

        if !streamAppOnly {
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
        }

        // 4. The stream app: image-loadgen → inference-app → local model server → predictions, read back.
        let pipeline = PipelineRunner(
            binary: binary, bootstrap: bootstrap, emptyConfig: emptyConfig, scratch: scratch, python: python)
        let pipelineCount = String(pipelineImages)
        let flood = ["--rate", "0", "--count", pipelineCount]
        let unbatched = try pipeline.run(
            "batch1-20ms", app: .inferenceApp(["--concurrency", "32", "--batch-size", "1"]), model: ["--latency", "20ms"],
            load: flood)
        results.append(comparison(
            "stream app, model 20 ms per request, --concurrency 32 --batch-size 1", "predictions/s",
            measured: unbatched.perSecond, baseline: 32 / 0.020, baselineName: "concurrency / latency", goal: 0.9,
            extra: ["cpu_ms_per_prediction": unbatched.cpuMillisecondsPerPrediction]))
        // A batch costs more than one image: 20 ms per request plus 0.5 ms per image.
        let batched = try pipeline.run(
            "batch8-20ms", app: .inferenceApp(["--concurrency", "32", "--batch-size", "8"]),
            model: ["--latency", "20ms", "--latency-per-instance", "500us"], load: flood)
        results.append(comparison(
            "stream app, model 20 ms + 0.5 ms per image, --concurrency 32 --batch-size 8", "predictions/s",
            measured: batched.perSecond, baseline: unbatched.perSecond, baselineName: "the same app with --batch-size 1",
            goal: 4, extra: ["mean_batch": batched.meanBatch, "cpu_ms_per_prediction": batched.cpuMillisecondsPerPrediction]))
        // CPU per prediction at the same fixed rate, against the Python app a user would write.
        let paced = ["--rate", "1000", "--count", pipelineCount]
        let swiftCPU = try pipeline.run(
            "cpu-swift", app: .inferenceApp(["--concurrency", "32", "--batch-size", "8"]), model: ["--latency", "5ms"], load: paced)
        let pythonCPU = try pipeline.run(
            "cpu-python", app: .python(concurrency: 32, batchSize: 8), model: ["--latency", "5ms"], load: paced)
        results.append(comparison(
            "stream app CPU per prediction, 1000 images/s, model 5 ms, batches of 8 (ms; baseline / measured)", "x",
            measured: pythonCPU.cpuMillisecondsPerPrediction / swiftCPU.cpuMillisecondsPerPrediction, baseline: 1,
            baselineName: "Python: confluent-kafka + requests, 32 threads, batches of 8, at-least-once", goal: 5,
            extra: ["inference_app_cpu_ms": swiftCPU.cpuMillisecondsPerPrediction,
                    "python_cpu_ms": pythonCPU.cpuMillisecondsPerPrediction,
                    "python_predictions": pythonCPU.received, "inference_app_predictions": swiftCPU.received]))
        // make demo's setup: 200 images/s, a 5-10 ms model, load started once /readyz says ready.
        let demo = try pipeline.run(
            "demo", app: .inferenceApp([]), model: ["--latency", "5ms", "--latency-jitter", "5ms"],
            load: ["--rate", "200", "--duration", "12s", "--warmup", "2s"])
        results.append(comparison(
            "demo end-to-end p99 at 200 images/s, model 5-10 ms (ms; goal / measured)", "x",
            measured: 60 / max(demo.endToEndP99, 0.001), baseline: 1, baselineName: "the 60 ms goal", goal: 1,
            extra: ["e2e_p99_ms": demo.endToEndP99, "e2e_p50_ms": demo.endToEndP50]))

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

    private func comparison(
        _ name: String, _ unit: String, measured: Double, baseline: Double, baselineName: String, goal: Double,
        extra: [String: Any]
    ) -> [String: Any] {
        ["name": name, "unit": unit, "measured": measured, "baseline": baseline, "baseline_name": baselineName,
         "ratio": measured / baseline, "goal_ratio": goal, "meets_goal": measured / baseline >= goal, "extra": extra]
    }

    /// Topic suffixes of the stream-app runs, created with the cluster (the embedded brokers cannot create topics).
    static let pipelineRuns = ["batch1-20ms", "batch8-20ms", "cpu-swift", "cpu-python", "demo"]
}

/// One stream-app run: a model server, the app under test, then image-loadgen reading the predictions back.
struct PipelineRunner {
    enum App {
        case inferenceApp([String])
        case python(concurrency: Int, batchSize: Int)
    }

    struct Outcome {
        var perSecond: Double
        var received: Int
        var cpuMillisecondsPerPrediction: Double
        var meanBatch: Double
        var endToEndP50: Double
        var endToEndP99: Double
    }

    let binary: (String) -> String
    let bootstrap: String
    let emptyConfig: String
    let scratch: URL
    let python: String

    func run(_ name: String, app: App, model: [String], load: [String]) throws -> Outcome {
        let modelPort = 20_000 + Int(getpid() % 10_000)
        let appPort = modelPort + 1
        let modelURL = "http://127.0.0.1:\(modelPort)/v1/models/image-classifier:predict"
        let modelServer = try start(binary("local-model-server"), [
            "--config", emptyConfig, "--http-port", String(modelPort), "--log-level", "error",
        ] + model)
        let process: Process
        switch app {
        case .inferenceApp(let arguments):
            // The embedded brokers answer a fetch only when fetch.wait.max.ms runs out: keep it short.
            process = try start(binary("inference-app"), [
                "--config", emptyConfig, "--bootstrap-servers", bootstrap, "-X", "fetch.wait.max.ms=10",
                "--input-topic", "pipeline-in-\(name)", "--output-topic", "pipeline-out-\(name)",
                "--dead-letter-topic", "pipeline-dlq", "--group-id", "bench-\(name)", "--model-url", modelURL,
                "--http-host", "127.0.0.1", "--http-port", String(appPort), "--log-level", "error",
            ] + arguments)
        case .python(let concurrency, let batchSize):
            let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("baseline_stream_app.py")
            process = try start(python, [
                script.path, bootstrap, "pipeline-in-\(name)", "pipeline-out-\(name)", "bench-\(name)", modelURL,
                String(concurrency), String(batchSize),
            ])
        }
        defer {
            for running in [process, modelServer] {
                running.terminate()
                running.waitUntilExit()
            }
        }
        switch app {
        case .inferenceApp:
            // Ready means assigned partitions and a model that answered: the clock starts on a warm app.
            try waitUntilReady("http://127.0.0.1:\(appPort)/readyz")
        case .python:
            // No readiness endpoint: give the consumer time to join its group, as the bench always did.
            sleep(8)
        }
        let cpuBefore = Self.cpuSeconds(of: process.processIdentifier)
        let started = Date()
        let reportPath = scratch.appendingPathComponent("pipeline-\(name).json").path
        let loadgen = Process()
        loadgen.executableURL = URL(fileURLWithPath: binary("image-loadgen"))
        loadgen.arguments = [
            "--config", emptyConfig, "--bootstrap-servers", bootstrap, "-X", "fetch.wait.max.ms=10",
            "--topic", "pipeline-in-\(name)", "--observe-topic", "pipeline-out-\(name)",
            // Small images: the embedded brokers keep only ~5 MB per partition, and a backlog must not age out.
            "--pool", "64", "--width", "64", "--height", "64", "--quiet", "--log-level", "error", "--report", reportPath,
        ] + load
        loadgen.standardOutput = FileHandle.nullDevice
        try loadgen.run()
        loadgen.waitUntilExit()
        // image-loadgen waits for the last prediction, so its run time bounds the pipeline's.
        let elapsed = Date().timeIntervalSince(started)
        let cpu = Self.cpuSeconds(of: process.processIdentifier) - cpuBefore
        var meanBatch = 1.0
        if case .inferenceApp = app, let metrics = try? fetch("http://127.0.0.1:\(appPort)/metrics") {
            let requests = Self.sample("inference_app_model_requests_total", in: metrics)
            let instances = Self.sample("inference_app_model_instances_total", in: metrics)
            if requests > 0 { meanBatch = instances / requests }
        }
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: reportPath))) as! [String: Any]
        let received = report["e2e_received"] as? Int ?? 0
        let latency = report["e2e_latency_ms"] as? [String: Any] ?? [:]
        return Outcome(
            perSecond: Double(received) / elapsed, received: received,
            cpuMillisecondsPerPrediction: 1000 * cpu / Double(max(received, 1)), meanBatch: meanBatch,
            endToEndP50: latency["p50"] as? Double ?? .nan, endToEndP99: latency["p99"] as? Double ?? .nan)
    }

    private func waitUntilReady(_ url: String) throws {
        for _ in 0..<600 {
            if (try? fetch(url)) != nil { return }
            usleep(100_000)
        }
        throw ValidationError("the stream app did not become ready at \(url)")
    }

    /// GET with curl (installed by make deps); throws unless the answer is 2xx.
    private func fetch(_ url: String) throws -> String {
        let curl = Process()
        curl.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        curl.arguments = ["-fsS", "--max-time", "2", url]
        let pipe = Pipe()
        curl.standardOutput = pipe
        curl.standardError = FileHandle.nullDevice
        try curl.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        curl.waitUntilExit()
        guard curl.terminationStatus == 0 else { throw ValidationError("GET \(url) failed") }
        return String(decoding: output, as: UTF8.self)
    }

    /// User plus system CPU time of a running process and all its threads, from /proc.
    static func cpuSeconds(of pid: Int32) -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return 0 }
        // Fields after the command name start at field 3 (state); utime and stime are fields 14 and 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    static func sample(_ name: String, in metrics: String) -> Double {
        metrics.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
    }
}

extension PipelineBench {
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

/// Starts a program in the background, its standard output discarded.
private func start(_ path: String, _ arguments: [String]) throws -> Process {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    return process
}
