import ArgumentParser
import CommandSupport
import Foundation
import Kafka
import LoadGen
import Logging
import PipelineConfig

extension ImageLoadgen {
    struct Search: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Find the highest rate that meets the thresholds, with a bounded number of fixed-rate steps.",
            discussion: """
                Each step is a fixed-rate run of --step-duration whose first --warmup is excluded from its figures. \
                The search doubles the rate from --start-rate until a step fails the --threshold checks (or \
                halves it until one passes), then bisects between the last passing and the first failing rate \
                until they are within --resolution of each other or --max-steps ran, and repeats the answer once \
                (a pass near the limit can be luck; a failed repeat sends the bisection below it). The answer is \
                the last passing rate; the true limit lies between it and the first failing one.

                A step fails when any threshold fails, any image is not delivered, or --verify finds a loss.

                Exit status: 0 a passing rate was found; 3 no step passed; 1 error; 64 bad input.

                Example (the whole pipeline: images in, predictions out):
                  image-loadgen search --observe-topic predictions \\
                    --threshold 'e2e_p99<200ms' --start-rate 50 --step-duration 30s \\
                    --warmup 5s --report out/search.json --plot out/search.svg
                """)

        @OptionGroup var configuration: ConfigurationOptions
        @OptionGroup(title: "Kafka") var kafka: KafkaConnectionOptions

        @Option(help: ArgumentHelp(
            "Topic to produce to, \(TopicDeclaration.syntax); its partitions count when this tool starts the embedded "
                + "cluster. Default: load.topic (images); partitions left out are the configured topic's, else 6.",
            valueName: "topic"))
        var topic: String?

        @OptionGroup(title: "What a step must meet (at least one)") var thresholds: ThresholdOptions

        @Option(help: ArgumentHelp("The first rate tried, images per second.", valueName: "rate"))
        var startRate: Double = 100

        @Option(help: ArgumentHelp("Never try more than this.", valueName: "rate"))
        var maxRate: Double?

        @Option(help: ArgumentHelp("Give up below this rate.", valueName: "rate"))
        var minRate: Double = 1

        @Option(help: "At most this many steps.")
        var maxSteps = 10

        @Option(help: ArgumentHelp("Stop bisecting when the interval is within this fraction of the passing rate.", valueName: "fraction"))
        var resolution = 0.05

        @Option(help: ArgumentHelp("How long each step sends.", valueName: "duration"))
        var stepDuration = "30s"

        @Option(help: ArgumentHelp("The start of each step excluded from its figures.", valueName: "duration"))
        var warmup = "5s"

        @Option(help: ArgumentHelp("Read this topic (e.g. predictions) for end-to-end latency (e2e_* thresholds).", valueName: "topic"))
        var observeTopic: String?

        @Flag(help: "Read each step's images back and fail a step that lost or duplicated any.")
        var verify = false

        @OptionGroup(title: "Images") var images: ImageOptions

        @Option(help: ArgumentHelp("Write every step and the answer as JSON here.", valueName: "file.json"))
        var report: String?

        @Option(help: ArgumentHelp("Write an SVG of latency against rate here.", valueName: "file.svg"))
        var plot: String?

        @Flag(help: ArgumentHelp("Fail when no brokers are configured instead of searching an embedded cluster (also $\(DistributedOptions.requireBrokersVariable)=1)."))
        var requireBrokers = false

        @OptionGroup(title: "Logging") var logging: LoggingOptions

        func validate() throws {
            guard !thresholds.texts.isEmpty else {
                throw ValidationError("Please pass at least one --threshold, such as 'e2e_p99<200ms': the search needs a goal.")
            }
            if images.pool == 0 {
                throw ValidationError("Please pass a --pool above 0: every step sends the same prepared images.")
            }
            guard startRate.isFinite, startRate > 0, startRate <= 10_000_000 else {
                throw ValidationError("Please pass a --start-rate above 0 (at most 10000000).")
            }
            if let maxRate, !(maxRate.isFinite && maxRate >= startRate && maxRate <= 10_000_000) {
                throw ValidationError("Please pass a --max-rate of at least --start-rate (at most 10000000).")
            }
            guard minRate.isFinite, minRate > 0, minRate <= startRate else {
                throw ValidationError("Please pass a --min-rate above 0 and at most --start-rate.")
            }
            guard (1...50).contains(maxSteps) else { throw ValidationError("Please pass --max-steps from 1 to 50.") }
            guard resolution.isFinite, resolution > 0, resolution < 1 else {
                throw ValidationError("Please pass a --resolution between 0 and 1, e.g. 0.05.")
            }
            let (stepDuration, warmup) = try durations()
            guard stepDuration >= .seconds(1), stepDuration <= .seconds(86_400) else {
                throw ValidationError("Please pass a --step-duration from 1s to 24h.")
            }
            guard warmup < stepDuration else {
                throw ValidationError("Please pass a --warmup shorter than --step-duration.")
            }
        }

        private func durations() throws -> (step: Duration, warmup: Duration) {
            (try parseDuration(stepDuration, flag: "--step-duration"), try parseDuration(warmup, flag: "--warmup"))
        }

        func run() throws {
            let logger = logging.makeLogger(label: "image-loadgen")
            let settings = try configuration.load()
            let load = settings.load
            let declared = try TopicDeclaration.parse(topic ?? load.topic, configured: settings.kafka.topics)
            if let warning = TopicDeclaration.unappliedConfigs([declared], cause: Run.noTopicConfigs) {
                logger.warning("\(warning)")
            }
            let topic = declared.name
            if let observeTopic, let problem = TopicSettings.validate(name: observeTopic) {
                throw ValidationError("Please pass a valid --observe-topic: \(problem).")
            }
            var properties = try kafka.kafkaProperties(configuration: settings)
            properties.setDefault("message.timeout.ms", "30000")
            let embeddedCluster = properties["bootstrap.servers"] == nil
            try DistributedOptions.checkBrokers(requested: requireBrokers, embedded: embeddedCluster)
            var searchLoad = load
            searchLoad.pool = max(1, load.pool)
            let imageSource = images.source(searchLoad)
            let supply = try images.prepare(imageSource)
            defer { supply.stop() }
            let checks = try thresholds.parsed()
            try ReportOutputs(json: report, svg: plot).checkWritable()

            var embedded: KafkaMockCluster?
            if embeddedCluster {
                let cluster = try EmbeddedCluster.start(
                    topics: [topic, observeTopic].compactMap { $0 },
                    partitions: declared.partitions, logger: logger)
                logger.notice("searching the embedded cluster: the broker alone, no pipeline")
                properties["bootstrap.servers"] = cluster.bootstrapServers
                embedded = cluster
            }
            let (stepDuration, warmup) = try durations()
            let searchID = UUID().uuidString.lowercased()
            var search = RateSearch(
                startRate: startRate, maximumRate: maxRate, minimumRate: minRate, maximumSteps: maxSteps, resolution: resolution)
            try search.run(thresholds: checks, supply: supply, logger: logger) { rate, number in
                var config = LoadGeneratorConfig(
                    topic: topic, schedule: .constant(rate: rate, duration: stepDuration, count: nil), source: imageSource,
                    properties: properties)
                config.warmup = warmup
                config.verify = verify
                config.observeTopic = observeTopic
                config.runID = "\(searchID)-step-\(number)"
                config.system = embeddedCluster ? "embedded" : properties["bootstrap.servers"]
                return config
            } onStep: { step, number in
                StandardOutput.write(line: Self.describe(step, number: number))
            }
            withExtendedLifetime(embedded) {}
            let result = search.result
            if let report {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
                try encoder.encode(result).write(to: URL(fileURLWithPath: report))
            }
            if let plot {
                try Data(LoadReporters.searchSVG(result, title: "image-loadgen search: \(thresholds.texts.joined(separator: ", "))").utf8)
                    .write(to: URL(fileURLWithPath: plot))
            }
            StandardOutput.write(line: Self.describe(result))
            if result.rate == nil { throw ExitCode(3) }
        }

        static func describe(_ step: RateSearch.Step, number: Int) -> String {
            String(
                format: "step %2d  rate %10.1f/s  achieved %10.1f/s  p99 %9.2f ms%@  failed %llu  %@", number, step.rate,
                step.achievedRate, step.latencyMilliseconds.p99,
                step.endToEndLatencyMilliseconds.map { String(format: "  e2e p99 %9.2f ms", $0.p99) } ?? "", step.failed,
                step.passed ? "pass" : "FAIL (\(step.thresholds.filter { !$0.passed }.map(\.threshold).joined(separator: ", ")))")
        }

        static func describe(_ result: RateSearchResult) -> String {
            guard let rate = result.rate else {
                return "search: no rate met the thresholds (the lowest tried, \(result.steps.map(\.rate).min() ?? 0)/s, failed)"
            }
            if result.limitedByMaximum {
                return "search: \(rate)/s met the thresholds, the --max-rate; the limit is higher"
            }
            guard let fail = result.firstFailingRate else {
                return "search: \(rate)/s met the thresholds; --max-steps ran out before a step failed, so the limit is higher"
            }
            return "search: \(rate)/s met the thresholds\(result.confirmed ? " twice" : " (not repeated: --max-steps ran out)"); "
                + "the limit lies between \(rate)/s (pass) and \(fail)/s (fail)"
        }
    }
}
