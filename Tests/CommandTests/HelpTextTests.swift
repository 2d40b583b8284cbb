import Failure
import Foundation
import PipelineConfig
import Testing

/// What every command's `--help` says is true and readable.
@Suite(.timeLimit(.minutes(5)))
struct HelpTextTests {
    static let texts: [(path: String, text: String)] = (try? ToolHelp.helpTexts()) ?? []

    @Test func everyCommandHasHelp() {
        #expect(Set(Self.texts.map { String($0.path.split(separator: " ")[0]) }) == Set(ToolHelp.tools))
    }

    /// CI scripts read exit codes: each tool's help says what they mean, 64 (bad input) included.
    @Test func everyToolDocumentsItsExitStatus() throws {
        for tool in ToolHelp.tools {
            let discussion = try #require(ToolHelp.all[tool]).root.discussion ?? ""
            #expect(discussion.contains("Exit status: 0") && discussion.contains("64 bad input"), "\(tool)")
        }
    }

    /// A default or a value printed as Swift describes it (`DurationArgument(value: 30.0 seconds)`,
    /// `Optional("x")`) means nothing to a user.
    @Test func noSwiftTypeDescriptions() throws {
        let patterns = try [
            #"[A-Z][A-Za-z]+\([a-z][A-Za-z]*:"#, #"Optional\("#, #"\d+\.\d+ seconds"#, #"attoseconds"#,
            #"\b[A-Z][A-Za-z]+\.[a-z][A-Za-z]+\("#,
        ].map { try Regex($0) }
        for (path, text) in Self.texts {
            for pattern in patterns {
                #expect(text.firstMatch(of: pattern) == nil, "\(path) --help: \(text.firstMatch(of: pattern).map { String($0.output[0].substring ?? "") } ?? "")")
            }
        }
    }

    /// `--http-port` is shared by two tools with different defaults: its help gives both, not a pointer elsewhere.
    @Test func httpPortHelpGivesEachToolsDefault() throws {
        for tool in ["inference-app", "local-model-server"] {
            let leaf = try #require(try VocabularyTests.commands(tool).first)
            let abstract = try #require(leaf.argument("--http-port")?.abstract)
            #expect(abstract.contains("inference-app stream_app.http_port (8080)"), "\(tool): \(abstract)")
            #expect(abstract.contains("local-model-server 8501"), "\(tool): \(abstract)")
        }
    }

    /// Configuration keys named in help (`stream_app.drain_timeout`) are keys the configuration accepts.
    @Test func configurationKeysInHelpExist() throws {
        let key = try Regex(#"\b(kafka|google|stream_app|load|kubernetes)(\.[a-z][a-z0-9_]*)+"#)
        var named: Set<String> = []
        for (_, text) in Self.texts {
            for match in text.matches(of: key) { named.insert(String(text[match.range])) }
        }
        #expect(named.count > 10, "\(named)")
        for key in named {
            #expect(Self.configurationAccepts(key), "help names \(key), which the configuration does not have")
        }
    }

    /// A key is known when a configuration that sets it is refused for anything but an unknown key.
    static func configurationAccepts(_ key: String) -> Bool {
        let parts = key.split(separator: ".")
        var yaml = ""
        for (depth, part) in parts.enumerated() {
            yaml += String(repeating: "  ", count: depth) + part + ":" + (depth == parts.count - 1 ? " ~\n" : "\n")
        }
        do {
            _ = try PipelineConfiguration.parse(yaml)
            return true
        } catch {
            return !error.reason.hasPrefix("unknown key")
        }
    }

    /// Examples are copied into a terminal: each line fits 80 columns as help prints it, and a command that goes
    /// on continues with a `\` line, never a wrap.
    @Test func examplesFitEightyColumnsWithoutWrapping() throws {
        for tool in ToolHelp.tools {
            let help = try #require(ToolHelp.all[tool])
            for command in help.commands {
                guard let discussion = command.command.discussion else { continue }
                let lines = discussion.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                guard let start = lines.firstIndex(where: { $0.hasPrefix("Example") }) else { continue }
                var continued = false
                for line in lines[(start + 1)...] where !line.isEmpty {
                    // Help indents the discussion by two columns.
                    #expect(line.count + 2 <= 80, "\(command.path): '\(line)' is \(line.count + 2) columns")
                    let trimmed = line.trimmingCharacters(in: .whitespaces)
                    let startsCommand = Self.commandWords.contains { trimmed.hasPrefix($0) } || trimmed.hasPrefix("#")
                    #expect(startsCommand || continued, "\(command.path): '\(line)' is neither a command nor continues one")
                    continued = trimmed.hasSuffix("\\")
                }
            }
        }
    }

    static let commandWords = ToolHelp.tools + ["export ", "curl ", "kubectl "]

    /// inference-app's help, README.md and `FailureKind(httpStatus:)` sort HTTP statuses the same way.
    @Test func theFailurePolicyInHelpMatchesTheCodeAndTheReadme() throws {
        let help = try #require(ToolHelp.all["inference-app"]?.root.discussion)
        var fromHelp: [FailureKind: Set<Int>] = [:]
        var kind: FailureKind?
        // "  permanent: …" starts a kind, deeper-indented lines continue it, anything else ends it.
        for line in help.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if let named = FailureKind.allCases.first(where: { trimmed.hasPrefix("\($0.rawValue):") }) {
                kind = named
            } else if !line.hasPrefix("    ") {
                kind = nil
            }
            guard let kind else { continue }
            fromHelp[kind, default: []].formUnion(Self.statuses(in: line))
        }
        #expect(fromHelp[.permanent] == [400, 413, 422])
        #expect(fromHelp[.retriable] == Set([408, 425, 429]).union(500...599))
        #expect(fromHelp[.systemic] == [401, 403, 404])
        for (kind, statuses) in fromHelp {
            for status in statuses { #expect(FailureKind(httpStatus: status) == kind, "help calls \(status) \(kind)") }
        }

        let readme = try String(
            contentsOf: VocabularyTests.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        var fromReadme: [FailureKind: Set<Int>] = [:]
        for row in readme.split(separator: "\n") where row.hasPrefix("  | ") {
            let cells = row.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            // "  | failure | kind | what happens |": the cells after the leading indentation.
            guard cells.count >= 3,
                let kind = FailureKind.allCases.first(where: { cells[2].hasPrefix($0.rawValue) })
            else { continue }
            fromReadme[kind, default: []].formUnion(Self.statuses(in: cells[1]))
        }
        #expect(fromReadme == fromHelp)
    }

    /// `400`, `5xx` (every 5xx status) in a line of text; "other 4xx" is the rest of a class, not all of it.
    static func statuses(in text: String) -> Set<Int> {
        var statuses: Set<Int> = []
        for match in text.replacing(#/other \dxx/#, with: "").matches(of: #/\b([1-5])(\d\d|xx)\b/#) {
            if match.output.2 == "xx" {
                let hundred = Int(match.output.1)! * 100
                statuses.formUnion(hundred...(hundred + 99))
            } else {
                statuses.insert(Int(match.output.1 + match.output.2)!)
            }
        }
        return statuses
    }
}
