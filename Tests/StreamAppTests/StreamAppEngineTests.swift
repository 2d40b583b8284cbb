import Foundation
import HTTP
import JPEG
import Kafka
import ModelServing
import PipelineMessages
import StreamApp
import TestSupport
import Testing

/// The engine in this process, against the embedded cluster and the local model server.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct StreamAppEngineTests {
    @Test func everyInputProducesExactlyOnePredictionOrDeadLetterInOrder() async throws {
        let fixture = try await PipelineFixture.start()
        // Batches of up to 4: order per partition and exactly one output per input hold across them.
        let (engine, running) = try makeEngine(fixture, group: "exactly-one", concurrency: 8, batchSize: 4)
        let writer = try ImageWriter(fixture)
        let reader = try fixture.outputReader()
        let imageCount: UInt64 = 300
        let notJPEG: Set<UInt64> = [7, 150, 299]
        var outputs = PipelineOutputs()
        for id in 0..<imageCount {
            try writer.send(id: id, value: notJPEG.contains(id) ? Data("GIF89a, not a JPEG \(id)".utf8) : nil)
            try outputs.read(reader, timeout: .zero)
        }
        #expect(try await offThePool { writer.close() } == 0)
        try await outputs.read(reader) { $0.count >= Int(imageCount) }
        // Anything extra would arrive now: read a little longer than needed.
        try await outputs.read(reader, seconds: 0.5) { _ in false }

        let predicted = outputs.ids(outputs.predictions)
        #expect(predicted.count == Int(imageCount) - notJPEG.count)
        #expect(Set(predicted) == Set((0..<imageCount).filter { !notJPEG.contains($0) }.map { "\($0)" }))
        #expect(Set(outputs.ids(outputs.deadLetters)) == Set(notJPEG.map { "\($0)" }))
        #expect(outputs.deadLetters.count == notJPEG.count)

        let decoder = try JPEGDecoder()
        for message in outputs.predictions {
            let prediction = try PredictionMessage.decode(message.value)
            let id = try #require(UInt64(prediction.imageID))
            #expect(prediction.predictions == LocalModelServer.classify(try decoder.decode(try writer.jpeg(id))), "image \(id)")
            #expect(prediction.model == PredictionMessage.Model(name: "image-classifier", version: "1"), "the version from the first")
            #expect(prediction.timing.totalMilliseconds >= prediction.timing.modelMilliseconds)
            #expect(message.key == Data("\(id)".utf8))
            #expect(message.headers.string(named: ImageMessageHeaders.runID) == fixture.runID)
            #expect(message.headers.string(named: ImageMessageHeaders.scheduledAt) != nil)
            #expect(message.headers.string(named: ImageMessageHeaders.contentType) == "application/json")
            #expect(message.headers.string(named: ImageMessageHeaders.predictedAt).flatMap { Int64($0) } != nil)
        }
        for letter in outputs.deadLetters {
            #expect(letter.value.starts(with: Data("GIF89a".utf8)), "the input's value, unchanged")
            let reason = try #require(letter.headers.string(named: ImageMessageHeaders.deadLetterReason))
            #expect(reason.hasPrefix("not a JPEG: "))
            #expect(!reason.contains("\n"))
            #expect(letter.headers.string(named: ImageMessageHeaders.deadLetterSourceTopic) == "images")
            #expect(letter.headers.string(named: ImageMessageHeaders.deadLetterSourceOffset) != nil)
            #expect(letter.headers.string(named: ImageMessageHeaders.runID) == fixture.runID)
        }

        // Order: within each output partition, the outputs of one input partition keep their input order.
        for outputPartition in Set(outputs.predictions.map(\.partition)) {
            let inPartition = outputs.predictions.filter { $0.partition == outputPartition }
            for sourcePartition in Set(inPartition.compactMap { $0.headers.string(named: ImageMessageHeaders.sourcePartition) }) {
                let offsets = inPartition.filter { $0.headers.string(named: ImageMessageHeaders.sourcePartition) == sourcePartition }
                    .compactMap { $0.headers.string(named: ImageMessageHeaders.sourceOffset).flatMap { Int64($0) } }
                #expect(offsets == offsets.sorted() && Set(offsets).count == offsets.count)
            }
        }

        engine.stop()
        try await running.value
        let metrics = engine.metrics.snapshot
        #expect(metrics.consumed == Int(imageCount))
        #expect(metrics.produced == Int(imageCount) - notJPEG.count)
        #expect(metrics.deadLettered == notJPEG.count)
        #expect(metrics.inFlight == 0)
        #expect(metrics.modelInstances == Int(imageCount) - notJPEG.count, "every JPEG reached the model once")
        #expect(metrics.latencyCount == metrics.modelRequests, "one latency per request")
        // Everything was acknowledged, so everything is committed.
        let committed = try await offThePool { try fixture.committed(group: "exactly-one") }
        let partitions = fixture.inputPartitions
        let highs = try await offThePool {
            try (0..<Int32(partitions)).map { try reader.watermarks(topic: "images", partition: $0).high }
        }
        #expect((0..<Int32(fixture.inputPartitions)).map { committed[$0] } == highs)
        reader.close()
        await fixture.stop()
    }

    @Test func aFullBufferPausesConsumptionAndBoundsWhatIsHeld() async throws {
        var model = LocalModelServerConfiguration()
        model.latency = .milliseconds(10)
        let fixture = try await PipelineFixture.start(inputPartitions: 2, model: model)
        let writer = try ImageWriter(fixture)
        for id in UInt64(0)..<120 { try writer.send(id: id) }
        #expect(try await offThePool { writer.close() } == 0)
        let (engine, running) = try makeEngine(fixture, group: "backpressure", concurrency: 2, buffer: 6)
        let reader = try fixture.outputReader()
        var outputs = PipelineOutputs()
        try await outputs.read(reader) { $0.count >= 120 }
        engine.stop()
        try await running.value
        reader.close()
        #expect(outputs.ids(outputs.predictions).sorted() == (0..<120).map { "\($0)" }.sorted())
        let metrics = engine.metrics.snapshot
        #expect(metrics.pauses > 0)
        // Pausing bumps librdkafka's version barrier at once, so messages it had prefetched are never handed out.
        #expect(metrics.inFlightHighWater <= 6, "held \(metrics.inFlightHighWater)")
        print("backpressure test: \(metrics.pauses) pauses, at most \(metrics.inFlightHighWater) messages held (bound 6)")
        await fixture.stop()
    }

    @Test func aSecondMemberJoiningMidRunLosesNothing() async throws {
        // Slow enough (about 40 images/s) that the first member is still busy when the second has joined.
        var model = LocalModelServerConfiguration()
        model.latency = .milliseconds(50)
        let fixture = try await PipelineFixture.start(inputPartitions: 4, model: model)
        let (first, firstRunning) = try makeEngine(fixture, group: "rebalance", concurrency: 2)
        let writer = try ImageWriter(fixture)
        let imageCount = 600
        for id in 0..<UInt64(imageCount) { try writer.send(id: id) }
        #expect(try await offThePool { writer.close() } == 0)
        let reader = try fixture.outputReader()
        var outputs = PipelineOutputs()
        try await outputs.read(reader) { $0.count >= 50 }
        let (second, secondRunning) = try makeEngine(fixture, group: "rebalance", concurrency: 2)
        try await outputs.read(reader) { Set($0.ids($0.predictions)).count >= imageCount }
        first.stop()
        second.stop()
        try await firstRunning.value
        try await secondRunning.value
        try await outputs.read(reader, seconds: 0.5) { _ in false }
        reader.close()

        let ids = outputs.ids(outputs.predictions)
        #expect(Set(ids) == Set((0..<imageCount).map { "\($0)" }), "no image lost across the rebalance")
        #expect(second.metrics.snapshot.consumed > 0, "the second member got partitions")
        // Every read gave one output, except those the first member abandoned at the revoke (uncommitted, so the
        // second member read and produced them again). An abandoned message whose output was already with the
        // producer may still land: then it gave an output too.
        let consumed = first.metrics.snapshot.consumed + second.metrics.snapshot.consumed
        let abandoned = first.metrics.snapshot.abandoned + second.metrics.snapshot.abandoned
        #expect(ids.count <= consumed, "no output without a read")
        #expect(ids.count >= consumed - abandoned, "every read produced once or was abandoned for the next owner")
        print("rebalance test: \(ids.count - imageCount) duplicates, \(first.metrics.snapshot.abandoned) abandoned by the first member")
        await fixture.stop()
    }

    @Test func aModelAnswering503ForAWhileIsRiddenOut() async throws {
        var model = LocalModelServerConfiguration()
        model.failFirst = 25
        model.errorStatus = 503
        let fixture = try await PipelineFixture.start(inputPartitions: 2, model: model)
        let (engine, running) = try makeEngine(fixture, group: "ride-out", concurrency: 4)
        let writer = try ImageWriter(fixture)
        let reader = try fixture.outputReader()
        for id in UInt64(0)..<40 { try writer.send(id: id) }
        #expect(try await offThePool { writer.close() } == 0)
        var outputs = PipelineOutputs()
        try await outputs.read(reader) { $0.count >= 40 }
        #expect(Set(outputs.ids(outputs.predictions)) == Set((0..<40).map { "\($0)" }))
        #expect(outputs.deadLetters.isEmpty, "a retriable failure never dead-letters a good image")
        engine.stop()
        try await running.value
        #expect(engine.metrics.snapshot.retries >= 25)
        #expect(fixture.model.predictCalls >= 65)
        reader.close()
        await fixture.stop()
    }

    @Test func aModel400GoesToTheDeadLetterTopicWithTheReason() async throws {
        var model = LocalModelServerConfiguration()
        model.failFirst = 1
        model.errorStatus = 400
        let fixture = try await PipelineFixture.start(inputPartitions: 1, model: model)
        let (engine, running) = try makeEngine(fixture, group: "model-400", concurrency: 1)
        let writer = try ImageWriter(fixture)
        let reader = try fixture.outputReader()
        for id in UInt64(0)..<3 { try writer.send(id: id) }
        #expect(try await offThePool { writer.close() } == 0)
        var outputs = PipelineOutputs()
        try await outputs.read(reader) { $0.count >= 3 }
        #expect(outputs.ids(outputs.deadLetters) == ["0"])
        #expect(outputs.deadLetters.first?.headers.string(named: ImageMessageHeaders.deadLetterReason)
            == "model answered 400: injected failure (local model server)")
        #expect(outputs.ids(outputs.predictions) == ["1", "2"])
        engine.stop()
        try await running.value
        reader.close()
        await fixture.stop()
    }

    @Test func endpointsReportHealthReadinessAndMetrics() async throws {
        let fixture = try await PipelineFixture.start(inputPartitions: 1)
        let (engine, running) = try makeEngine(fixture, group: "endpoints", concurrency: 2)
        let server = try await StreamAppHTTPEndpoints.start(host: "127.0.0.1", port: 0, engine: engine)
        let writer = try ImageWriter(fixture)
        for id in UInt64(0)..<5 { try writer.send(id: id) }
        #expect(try await offThePool { writer.close() } == 0)
        let client = HTTPClient()
        #expect(try await client.send(HTTPRequest(.get, server.baseURL + "/healthz")).status == 200)
        #expect(try await awaitStatus(200, at: server.baseURL + "/readyz") == 200)
        var metrics = ""
        for _ in 0..<200 where !metrics.contains("inference_app_produced_total 5") {
            metrics = try await client.send(HTTPRequest(.get, server.baseURL + "/metrics")).bodyText
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(metrics.contains("inference_app_consumed_total 5"))
        #expect(metrics.contains("inference_app_produced_total 5"))
        #expect(metrics.contains("# TYPE inference_app_model_latency_seconds histogram"))
        #expect(metrics.contains("inference_app_model_latency_seconds_count 5"))
        #expect(metrics.contains("inference_app_model_latency_seconds_bucket{le=\"+Inf\"} 5"))
        #expect(metrics.contains("inference_app_consumer_lag{topic=\"images\",partition=\"0\"}"))
        #expect(try await client.send(HTTPRequest(.get, server.baseURL + "/nope")).status == 404)

        #expect(metrics.contains("inference_app_model_systemic_failure 0"))
        #expect(metrics.contains("inference_app_oldest_in_flight_age_seconds "))

        // The model going away makes the app unready (at its next status check), not dead.
        await fixture.modelServer.stop()
        #expect(try await awaitStatus(503, at: server.baseURL + "/readyz") == 503)
        #expect(try await client.send(HTTPRequest(.get, server.baseURL + "/healthz")).status == 200)
        engine.stop()
        try await running.value
        #expect(try await client.send(HTTPRequest(.get, server.baseURL + "/readyz")).status == 503)
        await server.stop()
    }
}
