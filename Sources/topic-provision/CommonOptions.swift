import ArgumentParser
import CommandSupport
import Confluent
import Foundation
import HTTP
import Logging
import PipelineConfig

/// Bad input found after flag parsing (in the environment or the configuration): reported on one line, exit 64.
struct InputError: Error, CustomStringConvertible {
    let description: String
}

/// Everything a subcommand needs once the input is checked: the declared topics and a connected provisioner.
struct Session {
    let desired: [TopicSettings]
    let provisioner: TopicProvisioner
    let output: OutputFormat

    var clusterID: String { provisioner.client.clusterID }

    /// Results to standard output, as lines of text or as one JSON document.
    func emit(text: [String], json: String) {
        switch output {
        case .text: text.forEach(StandardOutput.write(line:))
        case .json: StandardOutput.write(line: json)
        }
    }
}

/// The options every subcommand takes.
struct CommonOptions: ParsableArguments {
    @OptionGroup var configuration: ConfigurationOptions

    @OptionGroup(title: "Confluent Cloud connection") var connection: ConfluentConnectionOptions

    @Option(
        name: .customLong("topic"),
        help: ArgumentHelp(
            "A topic to manage instead of the configuration's, name:partitions[:key=value,...] (repeatable).",
            valueName: "topic"))
    var topics: [String] = []

    @Option(help: "Output format: text or json.")
    var output: OutputFormat = .text

    @Option(help: ArgumentHelp("How long to wait for a created topic to become readable, such as 60s or 2m.", valueName: "duration"))
    var waitTimeout = "60s"

    @OptionGroup(title: "Logging") var logging: LoggingOptions

    /// Checks the input, connects, and runs `body`. Input problems exit 64 and other failures 1, each with one
    /// line on standard error; secrets never reach it (errors are built from redacted text).
    func run(check: () throws -> Void = {}, _ body: (Session) async throws -> Void) async throws {
        let logger = logging.makeLogger(label: "topic-provision")
        do {
            try check()
            let settleTimeout: Duration
            do {
                settleTimeout = try parseDuration(waitTimeout)
            } catch {
                throw InputError(description: "--wait-timeout \(waitTimeout): \(error)")
            }
            let settings = try configuration.load()
            let desired = topics.isEmpty ? settings.kafka.topics : try topics.map(TopicArgument.parse)
            var seen = Set<String>()
            if let twice = desired.first(where: { !seen.insert($0.name).inserted }) {
                throw InputError(description: "--topic \(twice.name) is given twice; declare each topic once")
            }
            let client = try await connection.connect(settings: settings.kafka, logger: logger, logLevel: logging.logLevel)
            let provisioner = TopicProvisioner(client: client, logger: logger, settleTimeout: settleTimeout)
            try await body(Session(desired: desired, provisioner: provisioner, output: output))
        } catch let error as InputError {
            Self.fail(error.description, exitCode: ExitCode.validationFailure)
        } catch let error as ConfluentInputError {
            Self.fail(error.description, exitCode: ExitCode.validationFailure)
        } catch let error as ValidationError {
            Self.fail(error.message, exitCode: ExitCode.validationFailure)
        } catch let error as ConfigurationError {
            Self.fail(error.description, exitCode: ExitCode.validationFailure)
        }
    }

    private static func fail(_ message: String, exitCode: ExitCode) -> Never {
        FileHandle.standardError.write(Data("Error: \(message)\n".utf8))
        Foundation.exit(exitCode.rawValue)
    }
}

/// `name:partitions[:key=value,...]`. A value may hold commas (`cleanup.policy=compact,delete`): a piece without
/// `=` continues the previous value.
enum TopicArgument {
    static func parse(_ argument: String) throws -> TopicSettings {
        let parts = argument.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        let usage = "--topic \(argument): expected name:partitions[:key=value,...]"
        guard parts.count >= 2 else { throw ValidationError(usage) }
        if let problem = TopicSettings.validate(name: parts[0]) { throw ValidationError("--topic \(argument): \(problem)") }
        guard let partitions = Int(parts[1]), partitions >= 1 else {
            throw ValidationError("--topic \(argument): partitions must be a whole number of at least 1, got '\(parts[1])'")
        }
        var configs: [(name: String, value: String)] = []
        if parts.count == 3 {
            for piece in parts[2].split(separator: ",", omittingEmptySubsequences: false) {
                if let equals = piece.firstIndex(of: "=") {
                    configs.append((String(piece[..<equals]), String(piece[piece.index(after: equals)...])))
                } else if !configs.isEmpty {
                    configs[configs.count - 1].value += ",\(piece)"
                } else {
                    throw ValidationError("\(usage) ('\(piece)' has no '=')")
                }
            }
        }
        for config in configs {
            if let problem = TopicSettings.validate(configName: config.name) {
                throw ValidationError("--topic \(argument): \(problem)")
            }
        }
        return TopicSettings(
            name: parts[0], partitions: partitions,
            configs: Dictionary(configs.map { ($0.name, $0.value) }) { _, last in last })
    }
}
