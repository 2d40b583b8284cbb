import ArgumentParser
import Foundation
import Logging

/// `--log-level`, shared by every tool. Logs go to standard error, so standard output stays for results.
public struct LoggingOptions: ParsableArguments {
    @Option(name: .long, help: "Log detail: trace, debug, info, notice, warning, error or critical.")
    public var logLevel: Logger.Level = .info

    public init() {}

    /// Sets up swift-log once per process and returns the tool's logger.
    public func makeLogger(label: String) -> Logger {
        ToolLogging.bootstrap(level: logLevel)
        var logger = Logger(label: label)
        logger.logLevel = logLevel
        return logger
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

enum ToolLogging {
    private static let once: Void = {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .trace
            return handler
        }
    }()

    static func bootstrap(level: Logger.Level) {
        _ = once
    }
}
