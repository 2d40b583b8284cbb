import ArgumentParser
import PipelineConfig

/// `--config`, shared by every tool.
public struct ConfigurationOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The pipeline configuration. Default: $PIPELINE_CONFIG, then ./pipeline.yaml if present, then built-in defaults.",
            valueName: "file"))
    public var config: String?

    public init() {}

    public func load() throws -> PipelineConfiguration {
        try PipelineConfiguration.load(path: config)
    }
}
