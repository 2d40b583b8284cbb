import Foundation
import Testing

/// The layering that ARCHITECTURE.md promises, checked on the source tree so that it stays a fact: each C library
/// has one Swift owner, and the libraries never reach up into the command layer.
struct LayeringTests {
    /// Every Swift source file under `Sources/`, as a path relative to the repository and its text.
    static let sources: [(path: String, text: String)] = {
        var root = URL(fileURLWithPath: #filePath)
        while root.path != "/" && !FileManager.default.fileExists(atPath: root.appendingPathComponent("Package.swift").path) {
            root = root.deletingLastPathComponent()
        }
        let prefix = root.path + "/"
        let enumerator = FileManager.default.enumerator(at: root.appendingPathComponent("Sources"), includingPropertiesForKeys: nil)
        var files: [(String, String)] = []
        while let url = enumerator?.nextObject() as? URL {
            guard url.pathExtension == "swift", let text = try? String(contentsOf: url, encoding: .utf8) else { continue }
            files.append((String(url.path.dropFirst(prefix.count)), text))
        }
        return files.sorted { $0.0 < $1.0 }
    }()

    static func imports(of text: String) -> [String] {
        text.split(separator: "\n").compactMap { line in
            let words = line.split(separator: " ")
            guard words.first == "import" || (words.first?.hasPrefix("@") == true && words.dropFirst().first == "import")
            else { return nil }
            return words.last.map(String.init)
        }
    }

    @Test("the tree is found and read")
    func treeIsRead() {
        #expect(Self.sources.count > 100)
        #expect(Self.sources.contains { $0.path == "Sources/Kafka/RDKafka/RDKafkaClient.swift" })
    }

    @Test("only Sources/Kafka/RDKafka/ calls librdkafka")
    func librdkafkaHasOneOwner() {
        let outside = Self.sources.filter { !$0.path.hasPrefix("Sources/Kafka/RDKafka/") && $0.text.contains("rd_kafka_") }
        #expect(outside.map(\.path) == [])
    }

    @Test("each C module is imported only by its one Swift owner", arguments: [
        ("CRdKafka", "Sources/Kafka/RDKafka/"),
        ("CCurl", "Sources/HTTP/Curl/"),
        ("CCurlShim", "Sources/HTTP/Curl/"),
        ("CJPEGShim", "Sources/JPEG/"),
        ("CZlib", "Sources/LoadGen/HistogramLog/"),
    ])
    func cModuleHasOneOwner(module: String, owner: String) {
        let importers = Self.sources.filter { Self.imports(of: $0.text).contains(module) }.map(\.path)
        #expect(!importers.isEmpty, "nothing imports \(module): the rule is stale")
        #expect(importers.filter { !$0.hasPrefix(owner) } == [])
    }

    @Test("libraries never import the command layer")
    func librariesStayBelowCommands() {
        // Library folders are capitalised (`Kafka`, `StreamApp`); executables are lower-case (`inference-app`), and
        // `CommandSupport` is their shared part.
        let libraries = Self.sources.filter { file in
            let folder = file.path.split(separator: "/")[1]
            return folder.first?.isUppercase == true && folder != "CommandSupport"
        }
        let offenders = libraries.filter { file in
            Self.imports(of: file.text).contains { $0 == "CommandSupport" || $0 == "ArgumentParser" }
        }
        #expect(offenders.map(\.path) == [])
    }
}
