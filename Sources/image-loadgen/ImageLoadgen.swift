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

            Exit status: 0 success; 1 error, failed deliveries or a failed --verify; 3 a --threshold failed (search: \
            no step passed); 64 bad input (flags, environment, configuration).
            """,
        version: ToolVersion.text,
        subcommands: [Run.self, Merge.self, Search.self], defaultSubcommand: Run.self)

    static func main() { ToolMain.run(Self.self) }
}

extension KeyStrategy: ExpressibleByArgument {}
