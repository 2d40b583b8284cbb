import ArgumentParser
import CommandSupport
import Foundation
import Kafka
import Logging
import PipelineConfig

@main
struct LocalKafka: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "local-kafka",
        abstract: "Run an embedded Kafka cluster on this machine, for local pipelines and tests.",
        discussion: """
            Starts librdkafka's built-in mock cluster: real Kafka-protocol brokers on loopback ports that any \
            Kafka client can use, with no JVM and no cloud account. It creates the topics given with --topic \
            (or, with none, the topics of the pipeline configuration), prints bootstrap.servers on standard \
            output, and runs until SIGINT or SIGTERM.

            Limits: it keeps about 5 MB per partition (older data is dropped), and it is in memory only.

            Examples:
              local-kafka --topic images:6 --topic predictions:6
              local-kafka --bootstrap-file /tmp/bootstrap &  # then: export KAFKA_BOOTSTRAP_SERVERS=$(cat /tmp/bootstrap)
            """)

    @OptionGroup var configuration: ConfigurationOptions

    @Option(help: "Number of brokers.")
    var brokers = 3

    @Option(
        name: .customLong("topic"),
        help: ArgumentHelp("A topic to create, name[:partitions] (repeatable; default 1 partition).", valueName: "topic"))
    var topics: [TopicArgument] = []

    @Option(help: "Replicas per partition. Default: 3, or the number of brokers if fewer.")
    var replicationFactor: Int?

    @Option(help: ArgumentHelp("Also write bootstrap.servers to this file, once the cluster is ready.", valueName: "file"))
    var bootstrapFile: String?

    @OptionGroup(title: "Logging") var logging: LoggingOptions

    func validate() throws {
        guard (1...32).contains(brokers) else { throw ValidationError("Please pass --brokers from 1 to 32.") }
        if let replicationFactor, !(1...brokers).contains(replicationFactor) {
            throw ValidationError("Please pass a --replication-factor from 1 to the number of brokers (\(brokers)).")
        }
    }

    func run() throws {
        let logger = logging.makeLogger(label: "local-kafka")
        let settings = try configuration.load()
        let wanted = topics.isEmpty
            ? settings.kafka.topics.map { TopicArgument(name: $0.name, partitions: $0.partitions) } : topics
        // Everything is checked before the cluster starts, so a mistake costs nothing and leaves nothing behind.
        if let large = wanted.first(where: { $0.partitions > TopicArgument.maximumPartitions }) {
            throw ValidationError(
                "Topic \(large.name) has \(large.partitions) partitions; the embedded cluster keeps each in memory, "
                    + "so please use at most \(TopicArgument.maximumPartitions).")
        }
        if let bootstrapFile {
            let folder = URL(fileURLWithPath: bootstrapFile).deletingLastPathComponent().path
            guard FileManager.default.isWritableFile(atPath: folder) else {
                throw ValidationError("Cannot write --bootstrap-file \(bootstrapFile): \(folder) is not a writable folder.")
            }
        }
        let signal = TerminationSignal()
        let cluster = try KafkaMockCluster(brokers: brokers, logger: logger)
        for topic in wanted {
            try cluster.createTopic(
                topic.name, partitions: topic.partitions, replicationFactor: replicationFactor ?? min(3, brokers))
        }
        if let bootstrapFile {
            try writeAtomically(cluster.bootstrapServers + "\n", to: bootstrapFile)
        }
        StandardOutput.write(line: cluster.bootstrapServers)
        let topicList = wanted.map { "\($0.name)(\($0.partitions))" }.joined(separator: ", ")
        logger.info(
            "embedded Kafka ready: \(brokers) brokers at \(cluster.bootstrapServers); topics: \(topicList.isEmpty ? "none" : topicList); stop with Ctrl-C")
        signal.wait()
        logger.info("stopping embedded Kafka")
        if let bootstrapFile {
            try? FileManager.default.removeItem(atPath: bootstrapFile)
        }
    }

    /// Readers polling for the file never see it half written.
    private func writeAtomically(_ text: String, to path: String) throws {
        let temporary = path + ".tmp-\(getpid())"
        try text.write(toFile: temporary, atomically: false, encoding: .utf8)
        guard rename(temporary, path) == 0 else {
            throw ValidationError("Cannot write --bootstrap-file \(path): \(String(cString: strerror(errno)))")
        }
    }
}

/// `name[:partitions]`.
struct TopicArgument: ExpressibleByArgument {
    /// The most partitions one topic of the embedded cluster may have (it holds up to ~5 MB of each in memory).
    static let maximumPartitions = 1000

    let name: String
    let partitions: Int

    init(name: String, partitions: Int) {
        self.name = name
        self.partitions = partitions
    }

    init?(argument: String) {
        let parts = argument.split(separator: ":", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), TopicSettings.validate(name: String(parts[0])) == nil else { return nil }
        let partitions = parts.count == 2 ? Int(parts[1]) : 1
        guard let partitions, partitions >= 1 else { return nil }
        self.init(name: String(parts[0]), partitions: partitions)
    }

    static var defaultValueDescription: String { "name[:partitions]" }
}
