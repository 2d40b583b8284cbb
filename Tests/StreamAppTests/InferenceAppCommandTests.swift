import Foundation
import HTTP
import Kafka
import ModelServing
import PipelineMessages
import TestSupport
import Testing

/// The built `inference-app`, run as a user runs it, against the embedded cluster and the local model server.
@Suite(.serialized, .timeLimit(.minutes(4)))
struct InferenceAppCommandTests {
    func start(_ fixture: PipelineFixture, group: String, httpPort: UInt16, extra: [String] = []) throws -> RunningProduct {
        try BuiltProduct.start(
            "inference-app",
            [
                "--bootstrap-servers", fixture.cluster.bootstrapServers, "--model-url", fixture.modelURL,
                "--group-id", group, "--concurrency", "8", "--http-host", "127.0.0.1", "--http-port", "\(httpPort)",
                "-X", "session.timeout.ms=6000", "--drain-timeout", "10s",
            ] + extra)
    }

    @Test func sigtermMidRunThenARestartLosesNothing() async throws {
        var model = LocalModelServerConfiguration()
        model.latency = .milliseconds(5)
        let fixture = try await PipelineFixture.start(model: model)
        let writer = try ImageWriter(fixture)
        let imageCount = 400
        for id in 0..<UInt64(imageCount) { try writer.send(id: id) }
        #expect(try await offThePool { writer.close() } == 0)
        let reader = try fixture.outputReader()
        let client = HTTPClient()

        let firstPort = unusedLoopbackPort()
        let first = try start(fixture, group: "restart", httpPort: firstPort)
        var outputs = PipelineOutputs()
        try await outputs.read(reader) { $0.count >= 100 }
        #expect(try await client.send(HTTPRequest(.get, "http://127.0.0.1:\(firstPort)/healthz")).status == 200)
        #expect(try await client.send(HTTPRequest(.get, "http://127.0.0.1:\(firstPort)/readyz")).status == 200)
        let metrics = try await client.send(HTTPRequest(.get, "http://127.0.0.1:\(firstPort)/metrics")).bodyText
        #expect(metrics.contains("inference_app_consumed_total "))
        first.signal(SIGTERM)
        let firstResult = try await offThePool { first.finish() }
        #expect(firstResult.status == 0, "\(firstResult.standardError.suffix(2000))")
        #expect(firstResult.standardError.contains("committed and left the group"))
        let committed = try await offThePool { try fixture.committed(group: "restart") }

        let secondPort = unusedLoopbackPort()
        let second = try start(fixture, group: "restart", httpPort: secondPort)
        // The first run may have finished everything: wait until the second is up (and handles SIGTERM) anyway.
        #expect(try await awaitStatus(200, at: "http://127.0.0.1:\(secondPort)/readyz") == 200)
        try await outputs.read(reader) { Set($0.ids($0.predictions)).count >= imageCount }
        second.signal(SIGTERM)
        let secondResult = try await offThePool { second.finish() }
        #expect(secondResult.status == 0, "\(secondResult.standardError.suffix(2000))")
        try await outputs.read(reader, seconds: 0.5) { _ in false }
        reader.close()

        let ids = outputs.ids(outputs.predictions)
        #expect(Set(ids) == Set((0..<imageCount).map { "\($0)" }), "no image lost")
        #expect(outputs.deadLetters.isEmpty)
        // Duplicates are allowed only for work the first run had not committed when it stopped.
        var seen = Set<String>()
        let duplicates = zip(ids, outputs.predictions).filter { !seen.insert($0.0).inserted }.map(\.1)
        for duplicate in duplicates {
            let partition = try #require(duplicate.headers.string(named: ImageMessageHeaders.sourcePartition).flatMap { Int32($0) })
            let offset = try #require(duplicate.headers.string(named: ImageMessageHeaders.sourceOffset).flatMap { Int64($0) })
            #expect(offset >= committed[partition] ?? 0, "only uncommitted work is redone")
        }
        print("restart test: \(ids.count) predictions for \(imageCount) images, \(duplicates.count) duplicates (uncommitted work)")
        await fixture.stop()
    }

    @Test func aSecretInTheEnvironmentNeverReachesTheLogs() async throws {
        let fixture = try await PipelineFixture.start(inputPartitions: 1)
        let secret = "kafka-secret-\(UUID().uuidString)"
        let process = try BuiltProduct.start(
            "inference-app",
            [
                "--bootstrap-servers", fixture.cluster.bootstrapServers, "--model-url", fixture.modelURL,
                "--http-host", "127.0.0.1", "--http-port", "\(unusedLoopbackPort())", "--log-level", "debug",
                "-X", "debug=security,broker",
            ],
            environment: ["KAFKA_API_KEY": "ABCDEFGHIJKLMNOP", "KAFKA_API_SECRET": secret])
        // SASL_SSL against a plaintext cluster fails to connect; give it time to try and log at debug level.
        try await Task.sleep(for: .seconds(3))
        process.signal(SIGTERM)
        let result = try await offThePool { process.finish() }
        #expect(!result.standardError.isEmpty)
        #expect(!(result.standardOutput + result.standardError).contains(secret))
        await fixture.stop()
    }

    @Test(arguments: [
        (["--concurrency", "0"], "--concurrency", Int32(64)),
        (["--drain-timeout", "20"], "--drain-timeout", 64),
        (["--request-timeout", "0s"], "--request-timeout", 64),
        (["--model-backend", "sagemaker"], "--model-backend", 64),
        (["--http-port", "70000"], "--http-port", 64),
        (["--model-url", "http://127.0.0.1:8501/v1/models/m"], "--model-url", 64),
        (["--model-url", "http://10.1.2.3:8501/v1/models/m:predict"], "plain http://", 64),
        (["--model-backend", "vertex", "--bootstrap-servers", "127.0.0.1:1", "--google-api-root", "http://example.com"],
         "--google-api-root", 64),
        (["--config", "/no/such/pipeline.yaml"], "/no/such/pipeline.yaml", 64),
        ([String](), "--bootstrap-servers", 64),
    ])
    func badArgumentsGiveAOneLineError(arguments: [String], mentions: String, status: Int32) throws {
        let result = try BuiltProduct.run("inference-app", arguments)
        #expect(result.status == status)
        #expect(result.standardError.contains(mentions), "\(result.standardError)")
        #expect(!result.standardError.contains("Fatal error"))
        let errorLines = result.standardError.split(separator: "\n").filter { $0.hasPrefix("Error:") }
        #expect(errorLines.count == 1)
    }

    @Test func helpTeaches() throws {
        let result = try BuiltProduct.run("inference-app", ["--help"])
        #expect(result.status == 0)
        for flag in ["--concurrency", "--drain-timeout", "--model-url", "--http-port", "--dead-letter-topic", "Examples:"] {
            #expect(result.standardOutput.contains(flag))
        }
    }
}
