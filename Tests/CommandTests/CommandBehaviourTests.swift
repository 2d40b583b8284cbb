import CommandSupport
import Confluent
import Failure
import Foundation
import Google
import LoadGen
import PipelineConfig
import TestSupport
import Testing

/// `--version`, the error shape and the old spellings, run as a user runs the tools.
@Suite(.timeLimit(.minutes(5)))
struct CommandBehaviourTests {
    @Test(arguments: ToolHelp.tools)
    func versionNamesTheProjectAndTheLinkedLibraries(tool: String) throws {
        let result = try BuiltProduct.run(tool, ["--version"], timeout: 60)
        #expect(result.status == 0)
        let lines = result.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.count == 4, "\(result.standardOutput)")
        #expect(lines.first == "image-pipeline \(ToolVersion.project)")
        for (line, library) in zip(lines.dropFirst(), ["librdkafka ", "libcurl ", "libjpeg "]) {
            #expect(line.hasPrefix(library) && line.dropFirst(library.count).first?.isNumber == true, "\(line)")
        }
    }

    static let usageErrors: [(tool: String, arguments: [String], mentions: String)] = [
        ("local-kafka", ["--brokers", "0"], "--brokers"),
        ("model-provision", ["status", "--wait-timeout", "soon"], "--wait-timeout soon"),
        ("topic-provision", ["plan", "--topic", "images:zero"], "--topic images:zero"),
        ("cluster-provision", ["plan", "--poll-interval", "5"], "--poll-interval 5"),
        ("manifest-gen", ["--check", "--stdout"], "--check or --stdout"),
        ("inference-app", ["--http-port", "70000"], "--http-port"),
        ("local-model-server", ["--latency", "20"], "--latency 20"),
        ("image-loadgen", ["--drain-timeout", "1x"], "--drain-timeout 1x"),
        ("image-loadgen", ["--no-such-flag"], "--no-such-flag"),
        ("image-loadgen", ["--kafka-config", "/no/such/file"], "--kafka-config /no/such/file: cannot read"),
        ("inference-app", ["--bootstrap-servers", "127.0.0.1:1", "--kafka-config", "/no/such/file"], "--kafka-config"),
    ]

    /// Bad input in any tool: exit 64 and exactly one line on standard error, `Error: …`.
    @Test(arguments: usageErrors.indices)
    func badInputIsOneLineAndSixtyFour(index: Int) throws {
        let (tool, arguments, mentions) = Self.usageErrors[index]
        let result = try BuiltProduct.run(tool, arguments, timeout: 60)
        #expect(result.status == 64, "\(tool) \(arguments): \(result.standardError)")
        let lines = result.standardError.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].hasPrefix("Error: ") && lines[0].contains(mentions), "\(result.standardError)")
        #expect(result.standardOutput.isEmpty)
    }

    /// Durations are read one way everywhere: the same text for the same mistake.
    @Test func everyToolWordsABadDurationTheSameWay() throws {
        let cases: [(String, [String])] = [
            ("model-provision", ["status", "--poll-interval", "2x"]),
            ("cluster-provision", ["plan", "--poll-interval", "2x"]),
            ("topic-provision", ["plan", "--wait-timeout", "2x"]),
            ("inference-app", ["--drain-timeout", "2x"]),
            ("local-model-server", ["--latency", "2x"]),
            ("image-loadgen", ["--warmup", "2x"]),
            ("image-loadgen", ["search", "--threshold", "p99<1s", "--step-duration", "2x"]),
        ]
        for (tool, arguments) in cases {
            let result = try BuiltProduct.run(tool, arguments, timeout: 60)
            let flag = arguments[arguments.count - 2]
            #expect(result.status == 64)
            #expect(
                result.standardError == "Error: \(flag) 2x has unknown unit 'x' (use ms, s, m or h)\n",
                "\(tool): \(result.standardError)")
        }
    }

    @Test func withOutputJSONAnErrorIsAlsoAJSONObjectOnStandardOutput() throws {
        let result = try BuiltProduct.run("manifest-gen", ["--check", "--stdout", "--output", "json"], timeout: 60)
        #expect(result.status == 64)
        let object = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: String]
        #expect(object?["code"] == "usage")
        #expect(object?["description"]?.contains("--check or --stdout") == true)
    }

    @Test func aPipelineErrorKeepsItsCodeAndKind() {
        struct Refused: PipelineError {
            var code: String { "invalid_image" }
            var failureKind: FailureKind { .permanent }
            var description: String { "not a JPEG\nsecond line" }
        }
        let report = ErrorReport(Refused(), parserMessage: "", parserStatus: 1)
        #expect(report.status == 1)
        #expect(report.description == "not a JPEG second line")
        #expect(report.json == #"{"code":"invalid_image","description":"not a JPEG second line","failureKind":"permanent"}"#)
    }

    @Test func oldFlagsStillWorkWithOneWarning() throws {
        let result = try BuiltProduct.run("local-model-server", ["--port", "70000"], timeout: 60)
        #expect(result.status == 64)
        #expect(
            result.standardError
                == "warning: --port is deprecated; use --http-port\nError: Please pass a --port from 0 to 65535.\n")
    }

    @Test func anOldVariableStillWorksWithOneWarning() throws {
        let result = try BuiltProduct.run(
            "model-provision", ["status", "--access-token", "t", "--project", "my-project"],
            environment: ["MODEL_PROVISION_API_ROOT": "http://example.com"], timeout: 60)
        #expect(result.status == 64, "\(result.standardError)")
        let lines = result.standardError.split(separator: "\n")
        #expect(lines.first == "warning: $MODEL_PROVISION_API_ROOT is deprecated; use $PIPELINE_GOOGLE_API_ROOT")
        #expect(lines.count == 2 && lines[1].hasPrefix("Error: ") && lines[1].contains("http://example.com"))
    }

    /// `--topic images` is the configured images topic, not a one-partition one; a topic the configuration lacks
    /// gets a configuration topic's default.
    @Test func aTopicWithoutPartitionsHasTheConfiguredCount() throws {
        let configuration = VocabularyTests.packageRoot.appendingPathComponent("pipeline.yaml").path
        let images = try #require(try PipelineConfiguration.load(file: configuration).kafka.topics.first { $0.name == "images" })
        let process = try BuiltProduct.start(
            "local-kafka", ["--config", configuration, "--brokers", "1", "--topic", "images", "--topic", "extra", "--topic", "x:2"])
        #expect(eventually { !process.standardOutputSoFar.isEmpty })
        process.signal(SIGTERM)
        let result = process.finish()
        #expect(result.status == 0)
        #expect(result.standardError.contains("topics: images(\(images.partitions)), extra(6), x(2)"), "\(result.standardError)")
    }

    @Test func bothSpellingsAtOnceIsAUsageError() throws {
        let result = try BuiltProduct.run(
            "model-provision", ["status", "--model", "a", "--model-name", "b"], timeout: 60)
        #expect(result.status == 64)
        #expect(result.standardError.contains("Please pass --model-name only; --model is its old name."))
    }

    /// Every renamed flag refuses both spellings at once, even where the new one has a default in `--help`.
    @Test(arguments: [
        ("model-provision", ["status", "--timeout", "1m", "--wait-timeout", "2m"], "--wait-timeout", "--timeout"),
        ("cluster-provision", ["plan", "--timeout", "1m", "--wait-timeout", "2m"], "--wait-timeout", "--timeout"),
        ("local-model-server", ["--host", "127.0.0.1", "--http-host", "127.0.0.1"], "--http-host", "--host"),
        ("image-loadgen", ["--partitions", "2", "--topic", "images:3", "--count", "1"], "--topic NAME:PARTITIONS", "--partitions"),
    ])
    func bothSpellingsOfARenamedFlagWithADefaultAreAUsageError(
        tool: String, arguments: [String], new: String, old: String
    ) throws {
        let configuration = VocabularyTests.packageRoot.appendingPathComponent("pipeline.yaml").path
        let result = try BuiltProduct.run(tool, arguments + ["--config", configuration], timeout: 60)
        #expect(result.status == 64, "\(result.standardError)")
        #expect(result.standardError == "Error: Please pass \(new) only; \(old) is its old name.\n")
    }

    /// A library's input error is bad input (64) that keeps its own code; a library's other errors are failed work.
    @Test func libraryInputErrorsExitSixtyFourWithTheirOwnCode() {
        let cases: [(any Error, code: String, status: Int32)] = [
            (ConfluentInputError("lkc id", code: .malformedID), "malformed_id", 64),
            (GoogleError(.invalidInput, "bad project"), "invalid_input", 64),
            (GoogleError(.api, "boom", status: 500), "api", 1),
            (LoadGenError("bad rate"), "invalid_input", 64),
            (LoadGenError("corrupt report", code: .invalidData), "invalid_data", 64),
            (LoadGenError("no topic", code: .missingTopic), "missing_topic", 1),
            (LoadGenError("cannot write", code: .fileAccess), "file_access", 1),
            (LoadGenError("not acknowledged", code: .publishFailed), "publish_failed", 1),
            (LoadGenError("no workers", code: .timedOut), "timed_out", 1),
            (ConfigurationError(code: .unreadableFile, file: "p.yaml", key: "", reason: "cannot read"), "unreadable_file", 64),
        ]
        for (error, code, status) in cases {
            let report = ErrorReport(error, parserMessage: "", parserStatus: 1)
            #expect(report.code == code && report.status == status, "\(error): \(report.code) \(report.status)")
            #expect(report.failureKind != nil)
        }
    }

    @Test func aConfluentInputErrorKeepsItsCodeInJSON() throws {
        let configuration = VocabularyTests.packageRoot.appendingPathComponent("pipeline.yaml").path
        let result = try BuiltProduct.run(
            "cluster-provision",
            [
                "plan", "--config", configuration, "--environment", "env-abc123", "--cloud-api-root", "http://example.com",
                "--output", "json",
            ],
            environment: ["CONFLUENT_CLOUD_API_KEY": "key", "CONFLUENT_CLOUD_API_SECRET": "secret"], timeout: 60)
        #expect(result.status == 64, "\(result.standardError)")
        let object = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: String]
        #expect(object?["code"] == "invalid_input")
        #expect(object?["failureKind"] == "permanent")
        #expect(object?["description"]?.hasPrefix("--cloud-api-root http://example.com: ") == true, "\(result.standardOutput)")
    }
}
