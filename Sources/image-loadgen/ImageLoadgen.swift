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
            `image-loadgen [run] ...` drives one fixed-rate run (the default subcommand; see `image-loadgen run \
            --help`). A distributed run is N of them with one --run-id and --workers N, each publishing its report \
            to --report-topic; `image-loadgen merge` combines their reports exactly, and `image-loadgen search` \
            finds the highest rate that still meets the --threshold checks.
            """,
        subcommands: [Run.self, Merge.self, Search.self], defaultSubcommand: Run.self)
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

    var defaultValueDescription: String { formatDuration(value) }
}

extension KeyStrategy: ExpressibleByArgument {}
