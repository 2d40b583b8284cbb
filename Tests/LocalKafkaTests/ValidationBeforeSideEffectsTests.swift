import Foundation
import TestSupport
import Testing

/// Each tool checks all of its input before it starts a cluster, listens, connects or writes: a mistake is one
/// line on standard error, exit 64, and nothing started or written.
@Suite(.timeLimit(.minutes(2)))
struct ValidationBeforeSideEffectsTests {
    func expectOneLineUsageError(_ result: BuiltProduct.Result, mentions: String) {
        #expect(result.status == 64, "\(result.standardError)")
        #expect(result.standardOutput.isEmpty, "nothing started: \(result.standardOutput)")
        let errors = result.standardError.split(separator: "\n").filter { $0.hasPrefix("Error:") }
        #expect(errors.count == 1 && errors[0].contains(mentions), "\(result.standardError)")
        #expect(!result.standardError.contains("Fatal error"))
    }

    @Test func localKafkaRefusesAnUnwritableBootstrapFileBeforeStartingBrokers() throws {
        let result = try BuiltProduct.run(
            "local-kafka", ["--topic", "images:1", "--bootstrap-file", "/no/such/folder/bootstrap"], timeout: 30)
        expectOneLineUsageError(result, mentions: "Cannot write --bootstrap-file /no/such/folder/bootstrap: /no/such/folder is not a writable folder.")
    }

    @Test(arguments: ["images:5000", "images:99999999999"])
    func localKafkaRefusesMorePartitionsThanItCanHold(topic: String) throws {
        let result = try BuiltProduct.run("local-kafka", ["--topic", topic], timeout: 30)
        expectOneLineUsageError(result, mentions: "the embedded cluster keeps each in memory, so please use at most 1000.")
    }

    @Test func inferenceAppRefusesAnAddressItCannotListenOn() throws {
        let result = try BuiltProduct.run(
            "inference-app", ["--bootstrap-servers", "127.0.0.1:1", "--http-host", "not-an-address"], timeout: 30)
        expectOneLineUsageError(result, mentions: "--http-host to listen on: 'not-an-address' is not an IPv4 address")
    }

    @Test func localModelServerRefusesAnAddressItCannotListenOn() throws {
        let result = try BuiltProduct.run("local-model-server", ["--http-host", "256.0.0.1"], timeout: 30)
        expectOneLineUsageError(result, mentions: "--http-host to listen on: '256.0.0.1' is not an IPv4 address")
    }

    @Test func manifestGenRefusesAnOutputDirThatIsAFile() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("not-a-folder-\(UUID())")
        try Data("x".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try BuiltProduct.run("manifest-gen", ["--output-dir", file.path], timeout: 30)
        expectOneLineUsageError(result, mentions: "--output-dir that is a folder; \(file.path) is a file.")
        #expect(try Data(contentsOf: file) == Data("x".utf8))
    }

    @Test func aKafkaKeyFileThatCannotBeReadIsNamedBeforeConnecting() throws {
        let result = try BuiltProduct.run(
            "inference-app", ["--bootstrap-servers", "127.0.0.1:1"],
            environment: ["KAFKA_API_KEY_FILE": "/no/such/key", "KAFKA_API_SECRET": "s"], timeout: 30)
        expectOneLineUsageError(result, mentions: "Cannot read KAFKA_API_KEY_FILE /no/such/key.")
    }
}
