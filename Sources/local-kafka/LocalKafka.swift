import ArgumentParser
import CommandSupport
import Foundation
import Kafka
import Logging
import PipelineConfig

@main
struct LocalKafka: ParsableCommand {
    /// The most partitions one topic of the embedded cluster may have (it holds up to ~5 MB of each in memory).
    static let maximumPartitions = 1000

    static let configuration = CommandConfiguration(
        commandName: "local-kafka",
        abstract: "Run an embedded Kafka cluster on this machine, for local pipelines and tests.",
        discussion: """
            Starts librdkafka's built-in mock cluster: real Kafka-protocol brokers on loopback ports that any \
            Kafka client can use, with no JVM and no cloud account. It creates the topics given with --topic \
            (or, with none, the topics of the pipeline configuration), prints bootstrap.servers on standard \
            output, and runs until SIGINT or SIGTERM.

            --topic images creates the configured images topic (its partitions); --topic images:12 sets them. \
            Topic configs (name:partitions:key=value) are accepted for the same syntax everywhere, but the \
            embedded cluster keeps none.

            Limits: it keeps about 5 MB per partition (older data is dropped), and it is in memory only.

            Exit status: 0 stopped by a signal, 1 failed, 64 bad input.

            Examples:
              local-kafka --topic images:6 --topic predictions:6
              local-kafka --bootstrap-file /tmp/bootstrap &
              export KAFKA_BOOTSTRAP_SERVERS=$(cat /tmp/bootstrap)
            """,
        version: ToolVersion.text)

    static func main() { ToolMain.run(Self.self) }

    @OptionGroup var configuration: ConfigurationOptions

    @Option(help: "Number of brokers.")
    var brokers = 3

    @Option(
        name: .customLong("topic"),
        help: ArgumentHelp(
            "A topic to create, \(TopicDeclaration.syntax) (repeatable). Default: kafka.topics in the "
                + "configuration; partitions left out are the configured topic's, else 6.",
            valueName: "topic"))
    var topics: [String] = []

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
            ? settings.kafka.topics : try TopicDeclaration.parse(topics, configured: settings.kafka.topics)
        // Everything is checked before the cluster starts, so a mistake costs nothing and leaves nothing behind.
        if let large = wanted.first(where: { $0.partitions > Self.maximumPartitions }) {
            throw ValidationError(
                "Topic \(large.name) has \(large.partitions) partitions; the embedded cluster keeps each in memory, "
                    + "so please use at most \(Self.maximumPartitions).")
        }
        if let bootstrapFile {
            let folder = URL(fileURLWithPath: bootstrapFile).deletingLastPathComponent().path
            guard FileManager.default.isWritableFile(atPath: folder) else {
                throw ValidationError("Cannot write --bootstrap-file \(bootstrapFile): \(folder) is not a writable folder.")
            }
        }
        if !topics.isEmpty,
            let warning = TopicDeclaration.unappliedConfigs(wanted, cause: "the embedded cluster keeps no topic configs")
        {
            logger.warning("\(warning)")
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
