import CheckedNumbers
import Failure
import Foundation
import HTTP
import JPEG
import Kafka
import Logging
import ModelServing

/// Model calls, as Swift tasks: at most `concurrency` workers, each sending one batch at a time and retrying it as
/// `ModelHealth` says.
extension StreamAppEngine {
    /// Sends batches of waiting messages until none is left, so at most `concurrency` requests are in flight.
    func worker() async {
        let size = configuration.batchSize
        while true {
            var batch = core.withState { $0.takeWaiting(limit: size, endingWorker: true) }
            if batch.isEmpty { return }
            if batch.count < size && configuration.batchLinger > .zero {
                core.withState { $0.lingeringWorkers += 1 }
                try? await Task.sleep(for: configuration.batchLinger)
                let startsAnother = core.withState { state in
                    state.lingeringWorkers -= 1
                    batch += state.takeWaiting(limit: size - batch.count, endingWorker: false)
                    return state.startsWorker(concurrency: configuration.concurrency, batchSize: size)
                }
                if startsAnother { Task { await self.worker() } }
            }
            await process(batch)
        }
    }

    /// Dead-letters what is not a JPEG at once, and predicts the rest in one request.
    private func process(_ batch: [StreamAppWorkItem]) async {
        var images: [StreamAppWorkItem] = []
        let decoder = Result { try JPEGDecoder() }
        for item in batch {
            do {
                _ = try decoder.get().dimensions(of: item.work.message.value)
                images.append(item)
            } catch let error as JPEGError {
                finish(item, with: deadLetter(item.work, reason: "not a JPEG: \(error.reason)"))
            } catch {
                finish(item, with: deadLetter(item.work, reason: "cannot read the image: \(error)"))
            }
        }
        if !images.isEmpty { await predict(images) }
    }

    /// One request for `items`, retried as `ModelHealth` says. A refused batch is split in halves until the refused
    /// image is alone; a batch that runs out of attempts is split into single images, each with its own attempts.
    /// Parts run side by side.
    private func predict(_ batch: [StreamAppWorkItem]) async {
        var items = batch
        var counted = 0
        var tries = 0
        var firstFailure: ContinuousClock.Instant?
        while true {
            items = core.withState { state in items.filter { state.isCurrent($0.work.partition, generation: $0.generation) } }
            guard !items.isEmpty else { return }
            let started = ContinuousClock.now
            metrics.update {
                $0.predicting += 1
                $0.modelRequests += 1
                $0.modelInstances += items.count
            }
            let error: ModelServingError
            do throws(ModelServingError) {
                let results = try await backend.predict(batch: items.map(\.work.message.value), timeout: configuration.requestTimeout)
                let elapsed = ContinuousClock.now - started
                metrics.update { $0.predicting -= 1 }
                metrics.observeModelLatency(seconds: elapsed.secondsValue)
                if let model = results.first?.model {
                    core.updateHealth(modelAnswered: true) { health, _ in health.predicted(model: model, at: .now) }
                }
                let outputs = zip(items, results).map { item, result in
                    let outgoing: KafkaOutgoingMessage
                    do {
                        outgoing = try StreamAppMessages.prediction(
                            for: item.work.message, imageID: item.work.imageID, result: result,
                            outputTopic: configuration.outputTopic, modelTime: elapsed,
                            totalTime: ContinuousClock.now - item.work.readAt)
                    } catch {
                        outgoing = deadLetter(item.work, reason: "cannot write the prediction: \(error)")
                    }
                    return (item, outgoing)
                }
                finish(outputs)
                return
            } catch let failure {
                error = failure
            }
            metrics.update { $0.predicting -= 1 }
            let key = "\(items[0].work.imageID)+\(items.count)"
            core.updateHealth(modelAnswered: true) { health, _ in health.failed(error, key: key, at: .now) }
            if error.failureKind == .permanent {
                if items.count > 1 {
                    await predictParts([Array(items[..<(items.count / 2)]), Array(items[(items.count / 2)...])])
                } else {
                    finish(items[0], with: deadLetter(items[0].work, reason: error.description))
                }
                return
            }
            metrics.update { $0.retries += 1 }
            tries += 1
            // Attempts count only while the model answers others: an outage is nobody's image's fault, and the
            // image's budget starts afresh after one.
            let systemic = core.withState { $0.health.isSystemic }
            if systemic {
                counted = 0
                firstFailure = nil
            } else {
                counted += 1
                firstFailure = firstFailure ?? started
            }
            if !systemic && counted >= configuration.maxAttempts {
                if items.count > 1 {
                    await predictParts(items.map { [$0] })
                    return
                }
                if let since = firstFailure, core.withState({ $0.health.othersSucceeded(since: since) }) {
                    finish(items[0], with: deadLetter(items[0].work, reason: "retries exhausted: \(error)"))
                    return
                }
                let attempts = counted
                core.updateHealth { health, _ in health.exhaustedWithoutEvidence(error, attempts: attempts) }
            }
            let delay = configuration.retryBackoff.delay(
                afterAttempt: tries, retryAfter: error.retryAfter, jitter: Double.random(in: 0...1))
            logger.log(
                level: systemic ? .debug : .info, "model call failed; retrying",
                metadata: ["image_id": "\(items[0].work.imageID)", "images": "\(items.count)", "attempt": "\(tries)",
                    "delay": "\(delay)", "error": "\(error)"])
            await sleep(delay, unlessAbandoned: items)
        }
    }

    private func predictParts(_ parts: [[StreamAppWorkItem]]) async {
        await withTaskGroup(of: Void.self) { group in
            for part in parts {
                group.addTask { await self.predict(part) }
            }
        }
    }


    private func deadLetter(_ work: StreamAppWork, reason: String) -> KafkaOutgoingMessage {
        logger.warning(
            "dead letter", metadata: ["image_id": "\(work.imageID)", "partition": "\(work.message.partition)",
                "offset": "\(work.message.offset)", "reason": "\(reason)"])
        return StreamAppMessages.deadLetter(for: work.message, topic: configuration.deadLetterTopic, reason: reason)
    }

    /// Sleeps, waking early once every item's partition went away.
    private func sleep(_ delay: Duration, unlessAbandoned items: [StreamAppWorkItem]) async {
        let end = ContinuousClock.now + delay
        while ContinuousClock.now < end {
            try? await Task.sleep(for: min(.milliseconds(100), end - ContinuousClock.now))
            let anyCurrent = core.withState { state in
                items.contains { state.isCurrent($0.work.partition, generation: $0.generation) }
            }
            if !anyCurrent { return }
        }
    }
}
