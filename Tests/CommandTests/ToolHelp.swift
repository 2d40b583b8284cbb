import Foundation
import TestSupport

/// Every tool's command tree as ArgumentParser describes it (`--experimental-dump-help`): the same source that
/// `--help` prints from, with each option's names, value name, default and visibility.
struct ToolHelp {
    static let tools = [
        "local-kafka", "model-provision", "topic-provision", "cluster-provision", "manifest-gen", "inference-app",
        "local-model-server", "image-loadgen",
    ]

    struct Dump: Decodable {
        let command: Command
    }

    struct Command: Decodable {
        let commandName: String
        let abstract: String?
        let discussion: String?
        let subcommands: [Command]?
        let arguments: [Argument]?

        /// Subcommands other than the `help` that ArgumentParser adds.
        var children: [Command] { (subcommands ?? []).filter { $0.commandName != "help" } }
    }

    struct Argument: Decodable {
        struct Name: Decodable {
            let kind: String
            let name: String

            /// As a user types it: `--config`, `-X`.
            var spelling: String { kind == "short" ? "-\(name)" : kind == "long" ? "--\(name)" : "-\(name)" }
        }

        let kind: String
        let shouldDisplay: Bool
        let names: [Name]?
        let valueName: String?
        let defaultValue: String?
        let abstract: String?

        var spellings: [String] { (names ?? []).map(\.spelling) }
    }

    /// A command and the path to it: `image-loadgen run`.
    struct Leaf {
        let path: String
        let command: Command
        let root: Command

        var tool: String { root.commandName }
        var arguments: [Argument] { command.arguments ?? [] }

        func argument(_ spelling: String) -> Argument? {
            arguments.first { $0.spellings.contains(spelling) }
        }

        /// The options and flags `--help` shows, by spelling.
        var displayed: Set<String> {
            Set(arguments.filter { $0.shouldDisplay && $0.kind != "positional" }.flatMap(\.spellings))
        }
    }

    let root: Command

    /// Commands that run (those without subcommands), and their path.
    var leaves: [Leaf] {
        func walk(_ command: Command, _ path: String) -> [Leaf] {
            guard !command.children.isEmpty else { return [Leaf(path: path, command: command, root: root)] }
            return command.children.flatMap { walk($0, "\(path) \($0.commandName)") }
        }
        return walk(root, root.commandName)
    }

    /// Every command, the root and each subcommand, with its path.
    var commands: [Leaf] {
        func walk(_ command: Command, _ path: String) -> [Leaf] {
            [Leaf(path: path, command: command, root: root)]
                + command.children.flatMap { walk($0, "\(path) \($0.commandName)") }
        }
        return walk(root, root.commandName)
    }

    static func load(_ tool: String) throws -> ToolHelp {
        let result = try BuiltProduct.run(tool, ["--experimental-dump-help"], timeout: 60)
        guard result.status == 0 else { throw HelpError("\(tool) --experimental-dump-help: \(result.standardError)") }
        return ToolHelp(root: try JSONDecoder().decode(Dump.self, from: Data(result.standardOutput.utf8)).command)
    }

    /// All eight tools, read once per test process.
    static let all: [String: ToolHelp] = {
        var all: [String: ToolHelp] = [:]
        for tool in tools { all[tool] = try? load(tool) }
        return all
    }()

    /// The `--help` text of every command, as a user sees it.
    static func helpTexts() throws -> [(path: String, text: String)] {
        var texts: [(String, String)] = []
        for tool in tools {
            guard let help = all[tool] else { throw HelpError("\(tool): no help dump") }
            for command in help.commands {
                let arguments = Array(command.path.split(separator: " ").dropFirst().map(String.init)) + ["--help"]
                let result = try BuiltProduct.run(tool, arguments, environment: ["COLUMNS": "80"], timeout: 60)
                guard result.status == 0 else { throw HelpError("\(command.path) --help exited \(result.status)") }
                texts.append((command.path, result.standardOutput))
            }
        }
        return texts
    }
}

struct HelpError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
