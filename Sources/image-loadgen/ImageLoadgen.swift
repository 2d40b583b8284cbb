import ArgumentParser
import CommandSupport
import Foundation
import Kafka
import LoadGen
import Logging
import PipelineConfig

@main
struct ImageLoadgen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "image-loadgen",
        abstract: "Stream JPEG test images into Kafka at a fixed rate, with honest latency and proof that nothing was lost.",
        discussion: """
            Message i is due at start + i/rate, whatever happened before (an open-loop schedule). Latency is \
            measured from that intended time to the broker's acknowledgement, so a stall shows as latency instead \
            of hiding as a lower rate (coordinated omission); service time (actual send to acknowledgement) and \
            schedule lag are reported too. Falling behind is counted (late sends), never hidden.

            Each message carries the image id (as key by default, and in the image-id header), a run id, the \
            intended and actual send times (scheduled-at-us, sent-at-us) and content-type: image/jpeg.

            Without --bootstrap-servers (or KAFKA_BOOTSTRAP_SERVERS, or kafka.bootstrap_servers in the \
            configuration) it starts an embedded Kafka cluster in this process. For Confluent Cloud, set \
            KAFKA_API_KEY and KAFKA_API_SECRET; any librdkafka property passes with -X key=value.

            Exit status: 0 success; 1 error, failed deliveries or a failed --verify; 3 a --threshold failed; \
            64 bad arguments.

            Examples:
              image-loadgen --rate 500 --duration 30s --verify --report out/report.json --plot out/report.svg
              image-loadgen --rate 0 --count 100000 --pool 0 --encoders 2       # as fast as possible, every image fresh
              image-loadgen --ramp 100:10s,1000:30s --threshold 'p99<50ms' --threshold 'failed==0'
              image-loadgen --source datasets/sample-images --rate 50 --duration 1m
            """)

    @OptionGroup var configuration: ConfigurationOptions
    @OptionGroup(title: "Kafka") var kafka: KafkaConnectionOptions

    @Option(help: ArgumentHelp("A properties file of producer settings (same format as --kafka-config).", valueName: "file"))
    var producerConfig: String?

    @Option(help: "Topic to produce to. Default: load.topic in the configuration (images).")
    var topic: String?

    @Option(help: "Partitions of the topic when this tool starts the embedded cluster. Default: the topic's in the configuration, else 6.")
    var partitions: Int?

    @Option(help: ArgumentHelp("Images per second in total (fractions allowed); 0 sends as fast as possible. Default: load.rate (100).", valueName: "rate"))
    var rate: Double?

    @Option(help: ArgumentHelp("How long to send, e.g. 30s, 5m. Default: load.duration (30s).", valueName: "duration"), transform: DurationArgument.init(parsing:))
    var duration: DurationArgument?

    @Option(help: "Stop after this many images (with --duration, whichever comes first).")
    var count: UInt64?

    @Option(help: ArgumentHelp("Leading time excluded from the statistics. Default: load.warmup.", valueName: "duration"), transform: DurationArgument.init(parsing:))
    var warmup: DurationArgument?

    @Option(help: ArgumentHelp("Step load instead of --rate/--duration: rate:duration stages, e.g. 100:10s,1000:30s.", valueName: "stages"))
    var ramp: String?

    @Option(help: "Synthetic image width in pixels. Default: load.width (224).")
    var width: Int?

    @Option(help: "Synthetic image height in pixels. Default: load.height (224).")
    var height: Int?

    @Option(help: "JPEG quality, 1 to 100. Default: load.quality (90).")
    var quality: Int?

    @Option(help: "Pre-encoded images to cycle through; 0 encodes every image afresh. Default: load.pool (64).")
    var pool: Int?

    @Option(help: "Encoder threads for --pool 0. Default: the number of CPU cores.")
    var encoders: Int?

    @Option(help: ArgumentHelp("Send the JPEG files of this folder instead of synthetic images (each checked first).", valueName: "folder"))
    var source: String?

    @Option(help: "Seed of the synthetic images, for repeatable runs.")
    var seed: UInt64 = 0

    @Option(help: "Message key: image-id, random or none.")
    var key: KeyStrategy = .imageID

    @Option(help: "Workers in a distributed run; this one sends rate/N and image ids k·N + index. Default: load.workers (1).")
    var workers: Int?

    @Option(help: "This worker's index, 0 to N-1. Default: $JOB_COMPLETION_INDEX (set by a Kubernetes Indexed Job), else 0.")
    var workerIndex: Int?

    @Flag(help: "Read the topic back during the run and prove every delivered image arrived exactly once and decodes.")
    var verify = false

    @Option(help: ArgumentHelp("Also read this topic (e.g. predictions) and report end-to-end latency.", valueName: "topic"))
    var observeTopic: String?

    @Option(name: .customLong("threshold"), help: ArgumentHelp("A check such as 'p99<50ms', 'rate>=990', 'failed==0' (repeatable); failing exits 3.", valueName: "check"))
    var thresholds: [String] = []

    @Option(help: ArgumentHelp("Write the JSON report here.", valueName: "file.json"))
    var report: String?

    @Option(help: ArgumentHelp("Write one CSV row per second here.", valueName: "file.csv"))
    var timeseries: String?

    @Option(help: ArgumentHelp("Write an SVG chart of throughput and latency over time here.", valueName: "file.svg"))
    var plot: String?

    @Option(help: ArgumentHelp("How long to wait for acknowledgements after the last send.", valueName: "duration"), transform: DurationArgument.init(parsing:))
    var drainTimeout: DurationArgument = DurationArgument(.seconds(30))

    @Flag(help: "No live progress line, even on a terminal.")
    var quiet = false

    @OptionGroup(title: "Logging") var logging: LoggingOptions

    func validate() throws {
        if let rate, let problem = LoadSchedule.problem(withRate: rate, flag: "--rate") { throw ValidationError(problem) }
        if ramp != nil && (rate != nil || duration != nil) {
            throw ValidationError("Please pass either --ramp or --rate/--duration, not both.")
        }
        if let count, count == 0 { throw ValidationError("Please pass a --count above 0.") }
        if let width, !(1...65_500).contains(width) { throw ValidationError("Please pass a --width from 1 to 65500.") }
        if let height, !(1...65_500).contains(height) { throw ValidationError("Please pass a --height from 1 to 65500.") }
        if let quality, !(1...100).contains(quality) { throw ValidationError("Please pass a --quality from 1 to 100.") }
        if let pool, pool < 0 { throw ValidationError("Please pass a --pool of 0 or more.") }
        if let encoders, encoders < 1 { throw ValidationError("Please pass at least one encoder thread.") }
        if let workers, workers < 1 { throw ValidationError("Please pass --workers of 1 or more.") }
        if let partitions, partitions < 1 { throw ValidationError("Please pass --partitions of 1 or more.") }
        for threshold in thresholds {
            do {
                _ = try Threshold(parsing: threshold)
            } catch {
                throw ValidationError(error.description)
            }
        }
        if let ramp {
            do {
                _ = try LoadSchedule.parseRamp(ramp)
            } catch {
                throw ValidationError(error.description)
            }
        }
    }

    func run() throws {
        let logger = logging.makeLogger(label: "image-loadgen")
        let settings = try configuration.load()
        let load = settings.load
        let topic = topic ?? load.topic
        guard TopicSettings.validate(name: topic) == nil else {
            throw ValidationError("Please pass a valid --topic: \(TopicSettings.validate(name: topic)!).")
        }
        var properties = try kafka.kafkaProperties(configuration: settings)
        if let producerConfig {
            properties = properties.merging(try KafkaProperties.load(contentsOf: producerConfig))
        }
        // A load test should report a dead cluster within seconds, not librdkafka's default five minutes.
        properties.setDefault("message.timeout.ms", "30000")

        var embedded: KafkaMockCluster?
        if properties["bootstrap.servers"] == nil {
            let cluster = try KafkaMockCluster(brokers: 3, logger: logger)
            let partitionCount = partitions ?? settings.kafka.topics.first { $0.name == topic }?.partitions ?? 6
            try cluster.createTopic(topic, partitions: partitionCount)
            if let observeTopic { try cluster.createTopic(observeTopic, partitions: partitionCount) }
            properties["bootstrap.servers"] = cluster.bootstrapServers
            logger.notice(
                "no --bootstrap-servers given: started an embedded 3-broker Kafka cluster at \(cluster.bootstrapServers) with topic \(topic) (\(partitionCount) partitions)")
            embedded = cluster
        }

        let workerCount = workers ?? load.workers
        let schedule: LoadSchedule
        if let ramp {
            schedule = LoadSchedule(stages: try LoadSchedule.parseRamp(ramp), maximumCount: count)
        } else {
            let totalRate = rate ?? load.rate
            schedule = LoadSchedule.constant(
                rate: totalRate, duration: duration?.value ?? (count == nil ? load.duration : nil), count: count)
        }
        let imageSource: ImageSource =
            if let source {
                .folder(source)
            } else {
                .synthetic(
                    width: width ?? load.width, height: height ?? load.height, quality: quality ?? load.quality,
                    pool: pool ?? load.pool, encoders: encoders ?? ProcessInfo.processInfo.activeProcessorCount,
                    seed: seed)
            }
        var config = LoadGeneratorConfig(topic: topic, schedule: schedule, source: imageSource, properties: properties)
        config.warmup = warmup?.value ?? load.warmup
        config.keyStrategy = key
        config.workers = workerCount
        config.workerIndex = try workerIndex ?? Self.jobCompletionIndex() ?? 0
        config.verify = verify
        config.observeTopic = observeTopic
        config.drainTimeout = drainTimeout.value

        let generator: LoadGenerator
        do {
            generator = try LoadGenerator(config: config, logger: logger)
        } catch let error as LoadGenError {
            throw ValidationError(error.description)
        }
        Self.stopOnSignal(generator)
        let display = quiet || isatty(STDERR_FILENO) == 0 ? nil : ProgressDisplay(generator: generator)
        logger.info(
            "run \(generator.runID): \(schedule.isPaced ? "\(rate ?? load.rate)/s" : "as fast as possible") to \(topic) for \(schedule.plannedCount.map { "\($0) images" } ?? formatDuration(schedule.totalDuration))")
        let (result, seconds): (LoadReport, [LoadSecond])
        do {
            (result, seconds) = try generator.run()
        } catch let error as LoadGenError {
            display?.stop()
            throw ValidationError(error.description)
        }
        display?.stop()
        withExtendedLifetime(embedded) {}

        var report = result
        report.thresholds = try thresholds.map { try Threshold(parsing: $0).evaluate(result) }
        try write(report, seconds)
        StandardOutput.write(line: LoadReporters.text(report))
        try Self.exitStatus(for: report)
    }

    private func write(_ report: LoadReport, _ seconds: [LoadSecond]) throws {
        let outputs: [(String?, () throws -> Data)] = [
            (self.report, { try LoadReporters.json(report) }),
            (timeseries, { Data(LoadReporters.csv(seconds).utf8) }),
            (plot, { Data(LoadReporters.svg(seconds, title: "image-loadgen → \(report.topic), target \(report.targetRate == 0 ? "max" : "\(report.targetRate)/s")").utf8) }),
        ]
        for case let (path?, contents) in outputs {
            let url = URL(fileURLWithPath: path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try contents().write(to: url)
        }
    }

    /// Failed deliveries or a failed verification are errors (exit 1); failed thresholds exit 3.
    static func exitStatus(for report: LoadReport) throws {
        if report.failed > 0 {
            let kinds = report.failures.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            throw LoadGenError("\(report.failed) of \(report.sent) images were not delivered (\(kinds))")
        }
        if let verify = report.verify, !verify.isClean {
            throw LoadGenError(
                "verification failed: \(verify.missing) missing, \(verify.duplicates) duplicated, \(verify.corrupt) corrupt")
        }
        if !report.thresholdsPassed {
            throw ExitCode(3)
        }
    }

    static func jobCompletionIndex() throws -> Int? {
        guard let text = ProcessInfo.processInfo.environment["JOB_COMPLETION_INDEX"] else { return nil }
        guard let index = Int(text), index >= 0 else {
            throw ValidationError("JOB_COMPLETION_INDEX is '\(text)', not a worker index.")
        }
        return index
    }

    /// The first SIGINT or SIGTERM ends the schedule and still drains and reports; a second one exits at once.
    static func stopOnSignal(_ generator: LoadGenerator) {
        let signal = TerminationSignal()
        let thread = Thread {
            signal.wait()
            generator.requestStop()
            signal.wait()
            Foundation.exit(130)
        }
        thread.start()
    }
}

/// A duration flag such as `30s`, `5m` or `250ms`.
struct DurationArgument: ExpressibleByArgument {
    let value: Duration

    init(_ value: Duration) {
        self.value = value
    }

    init?(argument: String) {
        guard let value = try? parseDuration(argument) else { return nil }
        self.value = value
    }

    /// As `init?(argument:)`, but the error says why: ArgumentParser prints it after the flag's name.
    init(parsing argument: String) throws(DurationParseError) {
        value = try parseDuration(argument)
    }

    var defaultValueAsString: String? { formatDuration(value) }
    static var defaultValueDescription: String { "duration" }
}

extension KeyStrategy: ExpressibleByArgument {}
