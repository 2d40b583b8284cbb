import Foundation
import JPEG
import Kafka
import Logging
import PipelineMessages

/// Proves that nothing was lost: counts every copy of each of this run's image ids read back from the topic and
/// checks that it decodes as a JPEG, then compares with the ids the broker acknowledged.
final class DeliveryVerifier: Sendable {
    private struct State {
        var delivered: [Bool] = []
        var copies: [UInt8] = []
        var consumed: UInt64 = 0
        var corrupt: UInt64 = 0
        var deliveredCount: UInt64 = 0
        var distinctSeen: UInt64 = 0
        var lastProgress = ContinuousClock.now
    }

    private let state = SharedState(State())
    private let sequenceOf: @Sendable (UInt64) -> UInt64?
    private let reader = SharedState<RunTopicReader?>(nil)

    /// `sequenceOf` maps an image id back to its sequence number in this run (nil if it is not one of ours).
    init(
        topic: String, properties: KafkaProperties, runID: String, logger: Logger,
        sequenceOf: @escaping @Sendable (UInt64) -> UInt64?
    ) throws {
        self.sequenceOf = sequenceOf
        // Only the reader thread decodes.
        nonisolated(unsafe) let decoder = try JPEGDecoder()
        let reader = try RunTopicReader(topic: topic, properties: properties, runID: runID, logger: logger) {
            [state, sequenceOf] message, _ in
            let decodes = (try? decoder.decode(message.value)) != nil
            let sequence = message.headers.string(named: ImageMessageHeaders.imageID).flatMap(UInt64.init).flatMap(sequenceOf)
            state.withLock { state in
                state.consumed += 1
                state.lastProgress = .now
                if !decodes { state.corrupt += 1 }
                guard let sequence else { return }
                let index = Int(sequence)
                if state.copies.count <= index { state.copies.append(contentsOf: repeatElement(0, count: index - state.copies.count + 1)) }
                if state.copies[index] == 0 { state.distinctSeen += 1 }
                state.copies[index] = state.copies[index] &+ (state.copies[index] == .max ? 0 : 1)
            }
        }
        self.reader.withLock { $0 = reader }
    }

    func recordDelivered(sequence: UInt64) {
        state.withLock { state in
            let index = Int(sequence)
            if state.delivered.count <= index {
                state.delivered.append(contentsOf: repeatElement(false, count: index - state.delivered.count + 1))
            }
            if !state.delivered[index] {
                state.delivered[index] = true
                state.deliveredCount += 1
            }
        }
    }

    /// Waits until every acknowledged id was read back, or nothing new arrived for `idleTimeout`, then stops
    /// reading and reports.
    func finish(idleTimeout: Duration, imageID: (UInt64) -> UInt64) -> VerifyReport {
        while true {
            let (done, idle) = state.withLock { state in
                (state.distinctSeen >= state.deliveredCount, ContinuousClock.now - state.lastProgress > idleTimeout)
            }
            if done || idle { break }
            usleep(20_000)
        }
        // A short grace period catches duplicates that trail the last original.
        usleep(300_000)
        reader.withLock { $0 }?.stop()
        return state.withLock { state in
            var missing: UInt64 = 0
            var duplicates: UInt64 = 0
            var sample: [UInt64] = []
            for (index, wasDelivered) in state.delivered.enumerated() where wasDelivered {
                let copies = index < state.copies.count ? state.copies[index] : 0
                if copies == 0 {
                    missing += 1
                    if sample.count < 20 { sample.append(imageID(UInt64(index))) }
                }
            }
            for copies in state.copies where copies > 1 {
                duplicates += UInt64(copies - 1)
            }
            return VerifyReport(
                consumed: state.consumed, missing: missing, duplicates: duplicates, corrupt: state.corrupt,
                missingSample: sample)
        }
    }
}
