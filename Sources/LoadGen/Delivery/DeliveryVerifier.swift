import Foundation
import JPEG
import Kafka
import Logging
import PipelineMessages
import Synchronization

/// Proves that nothing was lost: records every copy of each of this worker's image ids read back from the topic
/// and checks that it decodes as a JPEG, then compares with the ids the broker acknowledged.
///
/// Memory stays flat: acknowledged and read-back sequences are run-length sets, and an id outside what this
/// worker has sent so far (another worker's, another run's, or a forged one) is counted and dropped without
/// being stored.
final class DeliveryVerifier: Sendable {
    private struct State {
        var delivered = SequenceSet()
        var seen = SequenceSet()
        var consumed: UInt64 = 0
        var corrupt: UInt64 = 0
        var duplicates: UInt64 = 0
        var lastProgress = ContinuousClock.now
    }

    private let state = SharedState(State())
    /// Sequences below this were handed to the producer; the sender raises it before each send.
    private let sentBound = SentBound()
    private let reader = SharedState<RunTopicReader?>(nil)

    /// `sequenceOf` maps an image id back to its sequence number in this worker (nil if it is not one of ours).
    init(
        topic: String, properties: KafkaProperties, runID: String, logger: Logger,
        sequenceOf: @escaping @Sendable (UInt64) -> UInt64?
    ) throws {
        // Only the reader thread decodes.
        nonisolated(unsafe) let decoder = try JPEGDecoder()
        let reader = try RunTopicReader(topic: topic, properties: properties, runID: runID, logger: logger) {
            [state, sentBound] message, _ in
            guard
                let sequence = message.headers.string(named: ImageMessageHeaders.imageID).flatMap(UInt64.init)
                    .flatMap(sequenceOf),
                sequence < sentBound.value.load(ordering: .acquiring)
            else { return }
            let decodes = (try? decoder.decode(message.value)) != nil
            state.withLock { state in
                state.consumed += 1
                state.lastProgress = .now
                if !decodes { state.corrupt += 1 }
                if !state.seen.insert(sequence) { state.duplicates += 1 }
            }
        }
        self.reader.withLock { $0 = reader }
    }

    /// Called by the sender before it hands message `sequence` to the producer.
    func willSend(sequence: UInt64) {
        sentBound.value.store(sequence + 1, ordering: .releasing)
    }

    func recordDelivered(sequence: UInt64) {
        state.withLock { _ = $0.delivered.insert(sequence) }
    }

    /// Waits until every acknowledged id was read back, or nothing new arrived for `idleTimeout`, then stops
    /// reading and reports.
    func finish(idleTimeout: Duration, imageID: (UInt64) -> UInt64) -> VerifyReport {
        while true {
            let (done, idle) = state.withLock { state in
                (state.seen.count >= state.delivered.count, ContinuousClock.now - state.lastProgress > idleTimeout)
            }
            if done || idle { break }
            usleep(20_000)
        }
        // A short grace period catches duplicates that trail the last original.
        usleep(300_000)
        reader.withLock { $0 }?.stop()
        return state.withLock { state in
            let (missing, sample) = state.delivered.subtracting(state.seen, sampleSize: 20)
            return VerifyReport(
                consumed: state.consumed, missing: missing, duplicates: state.duplicates, corrupt: state.corrupt,
                missingSample: sample.map(imageID))
        }
    }
}

/// An atomic in a class, so the reader's closure can share it (an `Atomic` itself cannot be captured).
private final class SentBound: Sendable {
    let value = Atomic<UInt64>(0)
}
