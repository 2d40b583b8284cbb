import Foundation
import HTTP
import JPEG
import Kafka
import ModelServing
import PipelineMessages
import StreamApp
import TestSupport
import Testing

/// The failure policy against misbehaving models and brokers: what is dead-lettered, what pauses, what recovers.
@Suite(.serialized, .timeLimit(.minutes(4)))
struct StreamAppFailurePolicyTests {
    /// Short backoff, so retries happen within a test's patience; the policy is the same as with the defaults.
    static func quickRetries(_ configuration: inout StreamAppConfiguration) {
        configuration.retryBackoff = RetryPolicy(maxAttempts: Int.max, initialBackoff: .milliseconds(20), maxBackoff: .milliseconds(200))
    }

    @Test func aPoisonImageThatAlwaysTimesOutIsDeadLetteredWhileTheRestFlows() async throws {
        let images = SyntheticImages(width: 48, height: 32, seed: 11)
        let poisonID: UInt64 = 10
        let poison = try JPEGEncoder(quality: 90).encode(images.image(poisonID))
        let fixture = try await PipelineFixture.start(inputPartitions: 2) { request in
            guard request.carries(poison) else { return nil }
            try? await Task.sleep(for: .seconds(10))
            return .jsonObject(["error": "too late"], status: 504)
        }
        let (engine, running) = try makeEngine(fixture, group: "poison", concurrency: 4, batchSize: 4) { configuration in
            Self.quickRetries(&configuration)
            // Far above what a healthy call takes even on a loaded machine, so only the poison image times out.
            configuration.requestTimeout = .seconds(2)
            configuration.maxAttempts = 3
        }
        let writer = try ImageWriter(fixture)
        let imageCount: UInt64 = 60
        for id in 0..<imageCount { try writer.send(id: id) }
        #expect(try await offThePool { writer.close() } == 0)
        let reader = try fixture.outputReader()
        var outputs = PipelineOutputs()
        try await outputs.read(reader) { $0.count >= Int(imageCount) }
        engine.stop()
        try await running.value
        reader.close()

        #expect(outputs.ids(outputs.deadLetters) == ["\(poisonID)"])
        let reason = outputs.deadLetters.first?.headers.string(named: ImageMessageHeaders.deadLetterReason) ?? ""
        #expect(reason.hasPrefix("retries exhausted: "), "\(reason)")
        #expect(Set(outputs.ids(outputs.predictions)) == Set((0..<imageCount).filter { $0 != poisonID }.map { "\($0)" }))
        #expect(engine.metrics.snapshot.systemicChanges == 0, "one image's trouble is not systemic")
        await fixture.stop()
    }

    @Test func a401StormDeadLettersNothingFailsReadinessAndRecoversAcrossARebalance() async throws {
        let storm = Flag(false)
        let fixture = try await PipelineFixture.start(inputPartitions: 2) { request in
            guard storm.value, request.path.hasSuffix(":predict") else { return nil }
            return .jsonObject(["error": "token revoked"], status: 401)
        }
        let (first, firstRunning) = try makeEngine(fixture, group: "storm", concurrency: 2, batchSize: 2) {
            Self.quickRetries(&$0)
        }
        let server = try await StreamAppHTTPEndpoints.start(host: "127.0.0.1", port: 0, engine: first)
        let client = HTTPClient()
        #expect(try await awaitStatus(200, at: server.baseURL + "/readyz") == 200, "ready once assigned and the model answered")

        storm.value = true
        let writer = try ImageWriter(fixture)
        for id in UInt64(0)..<20 { try writer.send(id: id) }
        #expect(try await offThePool { writer.close() } == 0)
        #expect(try await awaitStatus(503, at: server.baseURL + "/readyz") == 503, "unready while credentials are refused")
        let metrics = try await client.send(HTTPRequest(.get, server.baseURL + "/metrics")).bodyText
        #expect(metrics.contains("inference_app_model_systemic_failure 1"))
        #expect(try await client.send(HTTPRequest(.get, server.baseURL + "/healthz")).status == 200, "not wedged: calls return")

        // A second member joins while the first is paused: the partitions move during the storm.
        let (second, secondRunning) = try makeEngine(fixture, group: "storm", concurrency: 2, batchSize: 2) {
            Self.quickRetries(&$0)
        }
        try await Task.sleep(for: .seconds(2))
        let reader = try fixture.outputReader()
        var outputs = PipelineOutputs()
        try await outputs.read(reader, seconds: 1) { _ in false }
        #expect(outputs.count == 0, "nothing is predicted or dead-lettered while credentials are refused")

        storm.value = false
        try await outputs.read(reader) { Set($0.ids($0.predictions)).count >= 20 }
        #expect(Set(outputs.ids(outputs.predictions)) == Set((0..<20).map { "\($0)" }))
        #expect(outputs.deadLetters.isEmpty, "a credential failure never costs an image")
        #expect(try await awaitStatus(200, at: server.baseURL + "/readyz") == 200, "ready again")
        let recovered = try await client.send(HTTPRequest(.get, server.baseURL + "/metrics")).bodyText
        #expect(recovered.contains("inference_app_model_systemic_failure 0"))
        first.stop()
        second.stop()
        try await firstRunning.value
        try await secondRunning.value
        #expect(first.metrics.snapshot.systemicChanges >= 2, "went systemic and recovered")
        #expect(first.metrics.snapshot.deadLettered + second.metrics.snapshot.deadLettered == 0)
        reader.close()
        await server.stop()
        await fixture.stop()
    }

    @Test func aBatchWithANonJPEGAndARefusedImageDeadLettersExactlyThoseTwo() async throws {
        let images = SyntheticImages(width: 48, height: 32, seed: 11)
        let refusedID: UInt64 = 5
        let refused = try JPEGEncoder(quality: 90).encode(images.image(refusedID))
        let fixture = try await PipelineFixture.start(inputPartitions: 1) { request in
            guard request.carries(refused) else { return nil }
            return .jsonObject(["error": "Input to reshape is a tensor with the wrong number of values"], status: 400)
        }
        let writer = try ImageWriter(fixture)
        for id in UInt64(0)..<8 {
            try writer.send(id: id, value: id == 2 ? Data("GIF89a, not a JPEG".utf8) : nil)
        }
        #expect(try await offThePool { writer.close() } == 0)
        let (engine, running) = try makeEngine(fixture, group: "batch-split", concurrency: 1, batchSize: 8) {
            $0.batchLinger = .milliseconds(200)
        }
        let reader = try fixture.outputReader()
        var outputs = PipelineOutputs()
        try await outputs.read(reader) { $0.count >= 8 }
        engine.stop()
        try await running.value
        reader.close()

        #expect(outputs.ids(outputs.deadLetters).sorted() == ["2", "5"])
        let reasons = Dictionary(
            uniqueKeysWithValues: outputs.deadLetters.map {
                ($0.headers.string(named: ImageMessageHeaders.imageID) ?? "?",
                 $0.headers.string(named: ImageMessageHeaders.deadLetterReason) ?? "")
            })
        #expect(reasons["2"]?.hasPrefix("not a JPEG: ") == true)
        #expect(reasons["5"]?.hasPrefix("model answered 400: Input to reshape") == true)
        #expect(outputs.ids(outputs.predictions) == ["0", "1", "3", "4", "6", "7"], "in order")
        let metrics = engine.metrics.snapshot
        #expect(metrics.modelInstances > metrics.modelRequests, "images went several to a request")
        await fixture.stop()
    }

    @Test func anOutputTheBrokerRefusesStopsTheAppUncommittedAndARestartRedoesIt() async throws {
        let fixture = try await PipelineFixture.start(inputPartitions: 1)
        let writer = try ImageWriter(fixture)
        for id in UInt64(0)..<5 { try writer.send(id: id) }
        #expect(try await offThePool { writer.close() } == 0)
        fixture.cluster.pushRequestErrors(api: .produce, Array(repeating: .topicAuthorizationFailed, count: 50))
        let (engine, running) = try makeEngine(fixture, group: "refused-output", concurrency: 2)
        await #expect(throws: (any Error).self, "the app stops rather than skip an output") { try await running.value }
        #expect(engine.metrics.snapshot.produced == 0)
        let committed = try await offThePool { try fixture.committed(group: "refused-output") }
        #expect((committed[0] ?? -1) <= 0, "nothing past the refused output is committed")

        fixture.cluster.clearRequestErrors(api: .produce)
        let (again, againRunning) = try makeEngine(fixture, group: "refused-output", concurrency: 2)
        let reader = try fixture.outputReader()
        var outputs = PipelineOutputs()
        try await outputs.read(reader) { Set($0.ids($0.predictions)).count >= 5 }
        #expect(Set(outputs.ids(outputs.predictions)) == Set((0..<5).map { "\($0)" }), "nothing lost")
        again.stop()
        try await againRunning.value
        reader.close()
        await fixture.stop()
    }

    @Test func aDrainTimeoutWhileTheModelIsDownLeavesTheWorkUncommitted() async throws {
        let down = Flag(false)
        let fixture = try await PipelineFixture.start(inputPartitions: 1) { request in
            guard down.value, request.path.hasSuffix(":predict") else { return nil }
            return .jsonObject(["error": "unavailable"], status: 503)
        }
        let (engine, running) = try makeEngine(fixture, group: "drain-down", concurrency: 2) { configuration in
            Self.quickRetries(&configuration)
            // Not enough failures to go systemic (and pause) before all five are read: this test is about the drain.
            configuration.maxAttempts = 1000
            configuration.drainTimeout = .seconds(1)
        }
        down.value = true
        let writer = try ImageWriter(fixture)
        for id in UInt64(0)..<5 { try writer.send(id: id) }
        #expect(try await offThePool { writer.close() } == 0)
        for _ in 0..<600 where engine.metrics.snapshot.consumed < 5 { try await Task.sleep(for: .milliseconds(20)) }
        #expect(engine.metrics.snapshot.consumed == 5)
        engine.stop()
        try await running.value
        #expect(engine.metrics.snapshot.abandoned == 5, "left for the next owner")
        #expect(engine.metrics.snapshot.deadLettered == 0)
        let committed = try await offThePool { try fixture.committed(group: "drain-down") }
        #expect((committed[0] ?? -1) <= 0)

        down.value = false
        let (again, againRunning) = try makeEngine(fixture, group: "drain-down", concurrency: 2)
        let reader = try fixture.outputReader()
        var outputs = PipelineOutputs()
        try await outputs.read(reader) { $0.count >= 5 }
        #expect(outputs.ids(outputs.predictions) == (0..<5).map { "\($0)" })
        again.stop()
        try await againRunning.value
        reader.close()
        await fixture.stop()
    }

    @Test func aFailedCommitIsCountedAndRetried() async throws {
        let fixture = try await PipelineFixture.start(inputPartitions: 1)
        // OFFSET_METADATA_TOO_LARGE: a commit error librdkafka reports rather than retries.
        fixture.cluster.pushRequestErrors(api: .offsetCommit, Array(repeating: KafkaError.Code(rawValue: 12), count: 3))
        let (engine, running) = try makeEngine(fixture, group: "commit-retry", concurrency: 2)
        let writer = try ImageWriter(fixture)
        for id in UInt64(0)..<10 { try writer.send(id: id) }
        #expect(try await offThePool { writer.close() } == 0)
        let reader = try fixture.outputReader()
        var outputs = PipelineOutputs()
        try await outputs.read(reader) { $0.count >= 10 }
        // Commits happen every 200 ms; the first few fail, a later one covers everything.
        var committed: [Int32: Int64] = [:]
        for _ in 0..<100 where committed[0] != 10 {
            try await Task.sleep(for: .milliseconds(100))
            committed = try await offThePool { try fixture.committed(group: "commit-retry") }
        }
        #expect(committed[0] == 10, "retried until it stuck, while still running")
        #expect(engine.metrics.snapshot.commitFailures >= 1)
        #expect(engine.metrics.snapshot.commits >= 1)
        engine.stop()
        try await running.value
        reader.close()
        await fixture.stop()
    }

    @Test func healthzFailsWhenWorkIsPendingAndNothingMoves() async throws {
        let hang = Flag(true)
        let fixture = try await PipelineFixture.start(inputPartitions: 1) { request in
            guard hang.value, request.path.hasSuffix(":predict") else { return nil }
            while hang.value { try? await Task.sleep(for: .milliseconds(20)) }
            return nil
        }
        let (engine, running) = try makeEngine(fixture, group: "wedge", concurrency: 1) { configuration in
            configuration.requestTimeout = .seconds(60)
            configuration.stallTimeout = .milliseconds(500)
        }
        let server = try await StreamAppHTTPEndpoints.start(host: "127.0.0.1", port: 0, engine: engine)
        let writer = try ImageWriter(fixture)
        try writer.send(id: 0)
        #expect(try await offThePool { writer.close() } == 0)
        let client = HTTPClient()
        #expect(try await awaitStatus(503, at: server.baseURL + "/healthz") == 503, "a call that never returns is a wedge")
        let metrics = try await client.send(HTTPRequest(.get, server.baseURL + "/metrics")).bodyText
        #expect(!metrics.contains("inference_app_oldest_in_flight_age_seconds 0.0\n"))
        hang.value = false
        let reader = try fixture.outputReader()
        var outputs = PipelineOutputs()
        try await outputs.read(reader) { $0.count >= 1 }
        #expect(try await client.send(HTTPRequest(.get, server.baseURL + "/healthz")).status == 200)
        engine.stop()
        try await running.value
        reader.close()
        await server.stop()
        await fixture.stop()
    }
}
