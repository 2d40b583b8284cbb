import ArgumentParser

/// `--output text|json`: what a tool prints on standard output, for people or for other programs.
public enum OutputFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    case text, json
}
