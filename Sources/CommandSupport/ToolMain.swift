import ArgumentParser
import Confluent
import Failure
import Foundation
import PipelineConfig

/// How every tool starts and ends: parse, run, and on failure one shape on standard error,
/// `Error: <one line>`, with a status CI can use:
///
/// - 0: done (and `--help`, `--version`);
/// - 1: the work failed (the line says why);
/// - 2, 3: a tool's own verdicts, documented in its help (pending changes, a failed threshold);
/// - 64 (`EX_USAGE` in sysexits): bad input, whether a flag, an environment variable, a file or the configuration.
///
/// With `--output json` the same error also goes to standard output as one JSON object,
/// `{"code": …, "description": …}` (plus `failureKind` for a library's `PipelineError`), for the script that reads
/// it, unless the command printed its JSON result already (a plan whose verdict is the error).
public enum ToolMain {
    /// The exit status of bad input.
    public static let usageStatus: Int32 = 64

    /// Runs a synchronous command tree: for tools that block a thread on purpose (waiting for a signal).
    public static func run(_ root: any ParsableCommand.Type, arguments: [String]? = nil) -> Never {
        let arguments = arguments ?? Array(CommandLine.arguments.dropFirst())
        do {
            var command = try root.parseAsRoot(arguments)
            try command.run()
            exit(0)
        } catch {
            fail(root, error, arguments: arguments)
        }
    }

    /// Runs a command tree whose commands may be asynchronous.
    public static func run(_ root: any ParsableCommand.Type, arguments: [String]? = nil) async -> Never {
        let arguments = arguments ?? Array(CommandLine.arguments.dropFirst())
        do {
            var command = try root.parseAsRoot(arguments)
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
            exit(0)
        } catch {
            fail(root, error, arguments: arguments)
        }
    }

    /// Prints `error` in the one shape and exits with its status.
    public static func fail(_ root: any ParsableCommand.Type, _ error: any Error, arguments: [String]) -> Never {
        let parserStatus = root.exitCode(for: error)
        // Help, --version and a bare exit status (the error was already reported) are ArgumentParser's to finish.
        if parserStatus == .success || error is ExitCode { root.exit(withError: error) }
        let report = ErrorReport(error, parserMessage: root.message(for: error), parserStatus: parserStatus.rawValue)
        FileHandle.standardError.write(Data("Error: \(report.description)\n".utf8))
        if wantsJSON(arguments) && !StandardOutput.hasWritten { StandardOutput.write(line: report.json) }
        exit(report.status)
    }

    /// `--output json` or `--output=json` before any `--`.
    static func wantsJSON(_ arguments: [String]) -> Bool {
        let options = arguments.prefix { $0 != "--" }
        return options.contains("--output=json")
            || zip(options, options.dropFirst()).contains { $0 == "--output" && $1 == "json" }
    }
}

/// What a failed run reports: a stable code, one line, and the exit status.
public struct ErrorReport: Sendable {
    public let code: String
    public let description: String
    public let failureKind: FailureKind?
    public let status: Int32

    /// `parserMessage` and `parserStatus` are ArgumentParser's reading of the error (its wording of a bad flag).
    public init(_ error: any Error, parserMessage: String, parserStatus: Int32) {
        let text: String
        switch error {
        case let error as any PipelineError:
            code = "\(error.code)"
            failureKind = error.failureKind
            text = error.description
            status = error.isBadInput ? ToolMain.usageStatus : 1
        default:
            failureKind = nil
            let badInput = error is ValidationError || error is InputError || parserStatus == ToolMain.usageStatus
            code = badInput ? "usage" : "failed"
            text = error is InputError ? "\(error)" : parserMessage
            status = badInput ? ToolMain.usageStatus : (parserStatus == 0 ? 1 : parserStatus)
        }
        description = text.onOneLine
    }

    /// `{"code": …, "description": …, "failureKind": …}`, keys sorted.
    public var json: String {
        var object = ["code": code, "description": description]
        if let failureKind { object["failureKind"] = failureKind.rawValue }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
