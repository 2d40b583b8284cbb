import ArgumentParser
import CommandSupport
import Foundation
import Kafka
import LoadGen
import Logging
import PipelineConfig

extension ImageLoadgen {
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send images at a fixed rate (or a ramp) and report latency, loss and thresholds.",
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
                64 bad input (flags, environment, configuration).

                Examples:
                  image-loadgen --rate 500 --duration 30s --verify \\
                    --report out/report.json --plot out/report.svg
                  # as fast as possible, every image encoded afresh:
                  image-loadgen --rate 0 --count 100000 --pool 0 --encoders 2
                  image-loadgen --ramp 100:10s,1000:30s \\
                    --threshold 'p99<50ms' --threshold 'failed==0'
                  image-loadgen --source datasets/sample-images --rate 50 --duration 1m
                """)

        @OptionGroup var configuration: ConfigurationOptions
        @OptionGroup(title: "Kafka") var kafka: KafkaConnectionOptions

        @Option(help: ArgumentHelp("A properties file of producer settings (same format as --kafka-config).", valueName: "file"))
        var producerConfig: String?

        @Option(help: ArgumentHelp(
            "Topic to produce to, \(TopicDeclaration.syntax); its partitions count when this tool starts the embedded "
                + "cluster. Default: load.topic (images); partitions left out are the configured topic's, else 6.",
            valueName: "topic"))
        var topic: String?

        @Option(name: .customLong("partitions"), help: .hidden)
        var oldPartitions: Int?

        /// Why `--topic name:N:key=value` sets nothing here: the topic exists already or is the embedded cluster's.
        static let noTopicConfigs = "image-loadgen sets no topic configs (topic-provision does)"

        @Option(help: ArgumentHelp("Images per second in total (fractions allowed); 0 sends as fast as possible. Default: load.rate (100).", valueName: "rate"))
        var rate: Double?

        @Option(help: ArgumentHelp("How long to send, e.g. 30s, 5m. Default: load.duration (30s).", valueName: "duration"))
        var duration: String?

        @Option(help: "Stop after this many images (with --duration, whichever comes first).")
        var count: UInt64?

        @Option(help: ArgumentHelp("Leading time excluded from the statistics. Default: load.warmup (0s).", valueName: "duration"))
        var warmup: String?

        @Option(help: ArgumentHelp("Step load instead of --rate/--duration: rate:duration stages, e.g. 100:10s,1000:30s.", valueName: "stages"))
        var ramp: String?

        @OptionGroup(title: "Images") var images: ImageOptions

        @Option(help: "Message key: image-id, random or none.")
        var key: KeyStrategy = .imageID

        @Option(help: "Workers in a distributed run; this one sends rate/N and image ids k·N + index. Default: 1 (the load-test Job passes load.workers).")
        var workers: Int?

        @Option(help: "This worker's index, 0 to N-1. Default: $JOB_COMPLETION_INDEX (set by a Kubernetes Indexed Job), else 0.")
        var workerIndex: Int?

        @Flag(help: "Read the topic back during the run and prove every delivered image arrived exactly once and decodes.")
        var verify = false

        @Option(help: ArgumentHelp("Also read this topic (e.g. predictions) and report end-to-end latency.", valueName: "topic"))
        var observeTopic: String?

        @OptionGroup(title: "Checks") var thresholds: ThresholdOptions

        @Option(help: ArgumentHelp("Write the JSON report here.", valueName: "file.json"))
        var report: String?

        @Option(help: ArgumentHelp("Write one CSV row per second here.", valueName: "file.csv"))
        var timeseries: String?

        @Option(help: ArgumentHelp("Write an SVG chart of throughput and latency over time here.", valueName: "file.svg"))
        var plot: String?

        @Option(help: ArgumentHelp(
            "Once sending stops (the schedule's end, or a signal), how long outstanding work may take to finish: "
                + "the wait for acknowledgements.", valueName: "duration"))
        var drainTimeout = "30s"

        @Option(help: ArgumentHelp("Also write an HdrHistogram interval log (tags latency, service, e2e; microseconds) here.", valueName: "file.hlog"))
        var histogramLog: String?

        @OptionGroup(title: "Distributed runs") var distributed: DistributedOptions

        @Flag(help: "No live progress line, even on a terminal.")
        var quiet = false

        @OptionGroup(title: "Logging") var logging: LoggingOptions

        func validate() throws {
            if let rate, let problem = LoadSchedule.problem(withRate: rate, flag: "--rate") { throw ValidationError(problem) }
            if ramp != nil && (rate != nil || duration != nil) {
                throw ValidationError("Please pass either --ramp or --rate/--duration, not both.")
            }
            if let count, count == 0 { throw ValidationError("Please pass a --count above 0.") }
            if let duration { _ = try parseDuration(duration, flag: "--duration") }
            if let warmup { _ = try parseDuration(warmup, flag: "--warmup") }
            _ = try parseDuration(drainTimeout, flag: "--drain-timeout")
            if let workers, workers < 1 { throw ValidationError("Please pass --workers of 1 or more.") }
            if let oldPartitions, oldPartitions < 1 { throw ValidationError("Please pass --partitions of 1 or more.") }
            if let ramp {
                do {
                    _ = try LoadSchedule.parseRamp(ramp)
                } catch {
                    throw ValidationError(error.description)
                }
            }
            if let workers, let workerIndex, !(0..<workers).contains(workerIndex) {
                throw ValidationError("Please pass a --worker-index from 0 to \(workers - 1) for \(workers) workers.")
            }
            if let workerIndex, workerIndex < 0 { throw ValidationError("Please pass a --worker-index of 0 or more.") }
        }

        func run() throws {
            let logger = logging.makeLogger(label: "image-loadgen")
            // Everything is checked before anything starts: a bad folder or flag must not cost a cluster start.
            let settings = try configuration.load()
            let load = settings.load
            var declared = try TopicDeclaration.parse(topic ?? load.topic, configured: settings.kafka.topics)
            let namedPartitions = topic.map(TopicDeclaration.namesPartitions) == true ? declared.partitions : nil
            if let partitions = try Deprecation.option(
                namedPartitions, "--topic NAME:PARTITIONS", old: oldPartitions, "--partitions"
            ).value {
                declared.partitions = partitions
            }
            if let warning = TopicDeclaration.unappliedConfigs([declared], cause: Self.noTopicConfigs) {
                logger.warning("\(warning)")
            }
            let topic = declared.name
            if let observeTopic, let problem = TopicSettings.validate(name: observeTopic) {
                throw ValidationError("Please pass a valid --observe-topic: \(problem).")
            }
            var properties = try kafka.kafkaProperties(configuration: settings)
            if let producerConfig {
                properties = properties.merging(
                    try KafkaConnectionOptions.properties(file: producerConfig, flag: "--producer-config"))
            }
            // A load test should report a dead cluster within seconds, not librdkafka's default five minutes.
            properties.setDefault("message.timeout.ms", "30000")
            let embeddedCluster = properties["bootstrap.servers"] == nil
            try distributed.checkBrokers(embedded: embeddedCluster)

            // load.workers sizes the Kubernetes Job, which passes --workers; a run by hand is one whole run.
            let workerCount = workers ?? 1
            let workerIndex = try self.workerIndex ?? Self.jobCompletionIndex() ?? 0
            guard (0..<workerCount).contains(workerIndex) else {
                throw ValidationError("Please pass a --worker-index from 0 to \(workerCount - 1) for \(workerCount) workers.")
            }
            let schedule: LoadSchedule
            if let ramp {
                schedule = LoadSchedule(stages: try LoadSchedule.parseRamp(ramp), maximumCount: count)
            } else {
                let totalRate = rate ?? load.rate
                schedule = LoadSchedule.constant(
                    rate: totalRate, duration: try duration.map { try parseDuration($0, flag: "--duration") }
                        ?? (count == nil ? load.duration : nil),
                    count: count)
            }
            let imageSource = images.source(load)
            var config = LoadGeneratorConfig(topic: topic, schedule: schedule, source: imageSource, properties: properties)
            config.warmup = try warmup.map { try parseDuration($0, flag: "--warmup") } ?? load.warmup
            config.keyStrategy = key
            config.workers = workerCount
            config.workerIndex = workerIndex
            config.verify = verify
            config.observeTopic = observeTopic
            config.drainTimeout = try parseDuration(drainTimeout, flag: "--drain-timeout")
            config.histogramLog = histogramLog
            config.runID = try distributed.resolvedRunID()
            config.startAt = try distributed.resolvedStartAt()
            // The configured report topic is where a distributed run's workers meet; a lone run only uses one given.
            let reportTopic = distributed.reportTopic ?? (workerCount > 1 ? load.reportTopic : nil)
            if (distributed.barrier || distributed.merge) && reportTopic == nil {
                throw ValidationError("Please pass --report-topic (or set load.report_topic): --barrier and --merge meet there.")
            }
            if let reportTopic, let problem = TopicSettings.validate(name: reportTopic) {
                throw ValidationError("Please pass a valid --report-topic: \(problem).")
            }
            let supply = try images.prepare(imageSource) { [config] in config.imageID(ofSequence: $0) }
            defer { supply.stop() }
            try ReportOutputs(json: report, csv: timeseries, svg: plot, histogramLog: histogramLog).checkWritable()
            try ReportOutputs(json: distributed.mergedReport).checkWritable()

            var embedded: KafkaMockCluster?
            if embeddedCluster {
                let cluster = try EmbeddedCluster.start(
                    topics: [topic, observeTopic, reportTopic].compactMap { $0 },
                    partitions: declared.partitions, logger: logger)
                config.properties["bootstrap.servers"] = cluster.bootstrapServers
                embedded = cluster
            }
            config.system = embeddedCluster ? "embedded" : properties["bootstrap.servers"]
            let reports = reportTopic.map { ReportTopic(topic: $0, properties: config.properties, logger: logger) }
            if distributed.barrier, let reports {
                config.startAt = try reports.barrier(
                    runID: config.runID, workerIndex: workerIndex, workers: workerCount, delay: .seconds(2),
                    timeout: try distributed.resolvedBarrierTimeout())
            }

            let generator = try LoadGenerator(config: config, logger: logger)
            Self.stopOnSignal(generator)
            let display = quiet || isatty(STDERR_FILENO) == 0 ? nil : ProgressDisplay(generator: generator)
            logger.info(
                "run \(generator.runID) worker \(workerIndex) of \(workerCount): \(schedule.isPaced ? "\(rate ?? load.rate)/s" : "as fast as possible") to \(topic) on \(config.system ?? "embedded") for \(schedule.plannedCount.map { "\($0) images" } ?? formatDuration(schedule.totalDuration))")
            let (result, seconds): (LoadReport, [LoadSecond])
            do {
                (result, seconds) = try generator.run(supply: supply)
            } catch {
                display?.stop()
                throw error
            }
            display?.stop()

            var report = result
            report.thresholds = try thresholds.evaluate(result)
            try ReportOutputs(json: self.report, csv: timeseries, svg: plot, histogramLog: nil).write(report, seconds)
            var publishError: (any Error)?
            if let reports {
                do {
                    try reports.publish(report)
                    logger.notice("report published to \(reports.topic) as \(report.runID)/\(report.workerIndex)")
                } catch {
                    publishError = error
                }
            }
            withExtendedLifetime(embedded) {}
            StandardOutput.write(line: LoadReporters.text(report))
            // The summary is printed first: a run whose report could not be published still shows its figures.
            if let publishError { throw publishError }
            guard distributed.merge, workerIndex == 0, let reports else {
                try ReportOutputs.exitStatus(for: report)
                return
            }
            // Worker 0 waits for the others and ends the run with one combined report, so a Kubernetes Job's
            // log holds the answer without a separate step. Its own failures still count.
            let workerStatus = Result { try ReportOutputs.exitStatus(for: report) }
            var merged = try reports.awaitMerged(
                runID: config.runID, workers: workerCount, timeout: try distributed.resolvedBarrierTimeout() + schedule.totalDuration)
            merged.thresholds = try thresholds.evaluate(merged)
            try ReportOutputs(json: distributed.mergedReport).write(merged, merged.seconds ?? [])
            StandardOutput.write(line: "\ncombined:\n" + LoadReporters.text(merged))
            try workerStatus.get()
            try ReportOutputs.exitStatus(for: merged)
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
}
