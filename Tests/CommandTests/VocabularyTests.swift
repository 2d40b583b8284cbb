import Foundation
import Testing

/// The vocabulary table (README.md's, and `Vocabulary.concepts`) against every tool's help.
@Suite(.timeLimit(.minutes(5)))
struct VocabularyTests {
    /// The commands a concept's `tools` entry stands for: every command of a tool, or the one named.
    static func commands(_ entry: String) throws -> [ToolHelp.Leaf] {
        let tool = String(entry.split(separator: " ")[0])
        guard let help = ToolHelp.all[tool] else { throw HelpError("no help from \(tool)") }
        let leaves = help.leaves.filter { $0.path == entry || $0.path.hasPrefix(entry + " ") || entry == tool }
        guard !leaves.isEmpty else { throw HelpError("no command \(entry)") }
        return leaves
    }

    @Test func everyToolAnswersWithItsCommandTree() {
        #expect(Set(ToolHelp.all.keys) == Set(ToolHelp.tools))
    }

    @Test(arguments: Vocabulary.concepts.filter { $0.flag != nil && $0.flag != "--version" }.map(\.flag!))
    func eachCommandWithTheConceptHasItUnderItsOneNameValueAndDefault(flag: String) throws {
        let concept = try #require(Vocabulary.concepts.first { $0.flag == flag })
        for entry in concept.tools {
            for leaf in try Self.commands(entry) {
                let argument = try #require(leaf.argument(flag), "\(leaf.path) has no \(flag)")
                #expect(argument.shouldDisplay, "\(leaf.path) hides \(flag)")
                let value = argument.kind == "option" ? argument.valueName : nil
                #expect(value == concept.value, "\(leaf.path) \(flag) takes <\(value ?? "")>")
                let expected = concept.builtIn[leaf.path] ?? concept.builtIn[leaf.tool]
                #expect(argument.defaultValue == expected, "\(leaf.path) \(flag) defaults to \(argument.defaultValue ?? "nothing")")
            }
        }
    }

    @Test func everyToolHasVersion() throws {
        for tool in ToolHelp.tools {
            let root = try #require(ToolHelp.all[tool]).root
            #expect(root.arguments?.contains { $0.names?.contains { $0.name == "version" } ?? false } == true, "\(tool)")
        }
    }

    @Test func oldSpellingsAreAcceptedButHiddenAndNoToolShowsThem() throws {
        for concept in Vocabulary.concepts where !concept.oldFlags.isEmpty {
            let leaves = try concept.tools.flatMap(Self.commands)
            for old in concept.oldFlags {
                #expect(leaves.contains { $0.argument(old)?.shouldDisplay == false }, "\(old) is not accepted")
                #expect(!leaves.contains { $0.displayed.contains(old) }, "\(old) is shown")
            }
        }
    }

    /// A concept's old name is nobody's flag, unless it is another concept's own name where that concept lives.
    @Test func noCommandHasATableConceptUnderAnotherName() throws {
        let own = Dictionary(grouping: Vocabulary.concepts.filter { $0.flag != nil }, by: { $0.flag! })
        for help in ToolHelp.all.values {
            for leaf in help.leaves {
                for old in Vocabulary.concepts.flatMap(\.oldFlags) where leaf.displayed.contains(old) {
                    let legitimate = try (own[old] ?? []).contains { try $0.tools.flatMap(Self.commands).map(\.path).contains(leaf.path) }
                    #expect(legitimate, "\(leaf.path) shows \(old), the old name of a concept in the table")
                }
            }
        }
    }

    /// A flag two tools share is a concept of the table, so it cannot drift apart unnoticed.
    @Test func flagsSharedByTwoToolsAreInTheTable() {
        var tools: [String: Set<String>] = [:]
        for help in ToolHelp.all.values {
            for leaf in help.leaves {
                for flag in leaf.displayed { tools[flag, default: []].insert(leaf.tool) }
            }
        }
        let inTable = Set(Vocabulary.concepts.compactMap(\.flag) + ["--help", "-h"])
        let shared = tools.filter { $0.value.count > 1 }.keys.filter { !inTable.contains($0) }
        #expect(shared.isEmpty, "shared by several tools but not in the vocabulary table: \(shared.sorted())")
    }

    /// Each concept lives only where the table says: a tool missing from its row would be undocumented.
    @Test func theTableNamesEveryCommandThatHasAConcept() throws {
        for concept in Vocabulary.concepts {
            guard let flag = concept.flag, flag != "--version" else { continue }
            let listed = Set(try concept.tools.flatMap(Self.commands).map(\.path))
            for help in ToolHelp.all.values {
                for leaf in help.leaves where leaf.displayed.contains(flag) {
                    #expect(listed.contains(leaf.path), "\(leaf.path) has \(flag) but the table does not say so")
                }
            }
        }
    }

    /// Variables only the environment carries are named in the help of each tool that reads them.
    @Test func environmentVariablesAreNamedInTheirToolsHelp() throws {
        let texts = try ToolHelp.helpTexts()
        for concept in Vocabulary.concepts {
            guard let variable = concept.variable else { continue }
            for entry in concept.tools {
                let tool = String(entry.split(separator: " ")[0])
                #expect(
                    texts.contains { $0.path.hasPrefix(tool) && $0.text.contains(variable) },
                    "\(tool)'s help never names $\(variable)")
            }
        }
    }

    @Test func theReadmeTableIsThisTable() throws {
        let readme = try String(contentsOf: Self.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let lines = readme.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let start = try #require(lines.firstIndex(of: Vocabulary.header[0]), "README.md has no vocabulary table")
        let table = lines[start...].prefix { $0.hasPrefix("|") }
        #expect(Array(table) == Vocabulary.markdownRows, "expected:\n\(Vocabulary.markdownRows.joined(separator: "\n"))")
    }

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
}
