import ArgumentParser
import CommandSupport
import Confluent
import Foundation
import Logging
import PipelineConfig

/// The options every subcommand takes.
struct CommonOptions: ParsableArguments {
    @OptionGroup var configuration: ConfigurationOptions

    @OptionGroup(title: "Confluent Cloud connection") var connection: ConfluentConnectionOptions

    @Option(
        name: .customLong("topic"),
        help: ArgumentHelp(
            "A topic to manage instead of the configuration's, \(TopicDeclaration.syntax) (repeatable); "
                + "partitions left out are the configured topic's, else 6.",
            valueName: "topic"))
    var topics: [String] = []

    @OptionGroup var outputOptions: OutputOptions

    @Option(help: ArgumentHelp("How long to wait for a created topic to become readable, such as 60s or 2m.", valueName: "duration"))
    var waitTimeout = "60s"

    @OptionGroup(title: "Logging") var logging: LoggingOptions

    /// Checks the input, connects, and runs `body`. Input problems exit 64 and other failures 1, each with one
    /// line on standard error; secrets never reach it (errors are built from redacted text).
    func run(check: () throws -> Void = {}, _ body: (Session) async throws -> Void) async throws {
        let logger = logging.makeLogger(label: "topic-provision")
        try check()
        let settleTimeout = try parseDuration(waitTimeout, flag: "--wait-timeout")
        let settings = try configuration.load()
        let desired = topics.isEmpty
            ? settings.kafka.topics : try TopicDeclaration.parse(topics, configured: settings.kafka.topics)
        let client = try await connection.connect(settings: settings.kafka, logger: logger, logLevel: logging.logLevel)
        let provisioner = TopicProvisioner(client: client, logger: logger, settleTimeout: settleTimeout)
        try await body(Session(desired: desired, provisioner: provisioner, output: outputOptions.output))
    }
}
