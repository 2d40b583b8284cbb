import ArgumentParser

/// `--output text|json`, declared once for the tools that print results for scripts.
public struct OutputOptions: ParsableArguments {
    @Option(help: "text, or json for scripts (an error too: {\"code\": …, \"description\": …}).")
    public var output: OutputFormat = .text

    public init() {}
}
