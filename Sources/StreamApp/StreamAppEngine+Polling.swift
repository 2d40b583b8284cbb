import Foundation
import Kafka
import Logging
import ModelServing

/// The polling thread: the only one that touches the consumer, from `run()` until the group is left.
extension StreamAppEngine {
    func pollLoop() throws {
        logger.info(
            "consuming", metadata: ["topic": "\(configuration.inputTopic)", "group": "\(configuration.groupID)",
                "concurrency": "\(configuration.concurrency)", "batch_size": "\(configuration.batchSize)",
                "model": "\(backend.modelDescription)"])
        core.withState { $0.consuming = true }
        var paused = false
        var seenAssignment = 0
        var fullSince: ContinuousClock.Instant?
        var lastCommit = ContinuousClock.now
        var failure: (any Error)?
        while failure == nil {
            let (stop, fatal, systemic, buffered, assignment) = core.withState { state in
                state.lastPoll = .now
                return (state.stopRequested, state.failure, state.health.isSystemic, state.buffered, state.assignmentChanges)
            }
            // Whether librdkafka keeps a partition paused across a rebalance differs between versions: after one,
            // pause or resume the whole assignment again.
            let reassigned = assignment != seenAssignment
            seenAssignment = assignment
            if let fatal { failure = fatal; break }
            if stop { break }
            let now = ContinuousClock.now
            if now - lastCommit >= configuration.commitInterval {
                commitAcknowledged()
                lastCommit = now
            }
            do {
                // A brief full window is ridden out by not polling: librdkafka keeps fetching into its own bounded
                // queue, and resuming costs nothing. Only a window full for longer pauses the partitions, so that
                // polling (and with it group membership and rebalances) goes on during a model outage. A systemic
                // failure pauses at once: no new work until the model answers.
                let full = buffered >= configuration.bufferLimit
                fullSince = full ? fullSince ?? now : nil
                if !systemic, let since = fullSince, now - since < configuration.pauseAfter {
                    if since == now { metrics.update { $0.pauses += 1 } }
                    Thread.sleep(forTimeInterval: 0.001)
                    continue
                }
                paused = try applyBackpressure(paused: paused, hold: full || systemic, reassigned: reassigned, buffered: buffered)
                if let message = try consumer.poll(timeout: .milliseconds(100)) {
                    accept(message)
                }
            } catch {
                // Even then, drain and commit what Kafka acknowledged before reporting the error.
                failure = error
            }
        }
        core.withState { $0.consuming = false }
        drainAndClose()
        if let failure {
            logger.error("stopped by an error: \(failure)")
            throw failure
        }
        logger.info("stopped cleanly", metadata: ["consumed": "\(metrics.snapshot.consumed)"])
    }

    /// Pauses the whole assignment while `hold` (buffer full, or a systemic failure), resumes it once that is over
    /// and the buffer has drained to half. Returns whether the assignment is paused.
    private func applyBackpressure(paused: Bool, hold: Bool, reassigned: Bool, buffered: Int) throws -> Bool {
        if hold {
            if !paused || reassigned {
                try consumer.pause(try consumer.assignment().map { TopicPartition($0).start })
                logger.debug("paused", metadata: ["buffered": "\(buffered)"])
            }
            return true
        }
        // librdkafka 2.0 keeps a partition paused by this member when the group gives it back, so a new assignment
        // is resumed explicitly.
        if (paused && buffered <= configuration.bufferLimit / 2) || (!paused && reassigned) {
            try consumer.resume(try consumer.assignment().map { TopicPartition($0).start })
            logger.debug("resumed", metadata: ["buffered": "\(buffered)"])
            return false
        }
        return paused
    }

    private func accept(_ message: KafkaMessage) {
        let partition = TopicPartition(topic: message.topic, partition: message.partition)
        let work = StreamAppWork(message: message, readAt: ContinuousClock.now)
        let startsWorker = core.withState { state -> Bool in
            // Work arriving after a quiet spell starts the stall clock afresh.
            if state.buffered == 0 { state.lastProgress = work.readAt }
            let generation = state.track(message, partition: partition, readAt: work.readAt)
            state.waiting.append(StreamAppWorkItem(work: work, generation: generation))
            return state.startsWorker(concurrency: configuration.concurrency, batchSize: configuration.batchSize)
        }
        metrics.update { $0.consumed += 1 }
        if startsWorker {
            Task { await self.worker() }
        }
    }

    /// Commits, asynchronously, the offsets that moved since the last commit; `StreamAppCore.committed` hears how it
    /// went.
    private func commitAcknowledged() {
        let offsets = core.withState { $0.takeCommits(all: false) }
        guard !offsets.isEmpty else { return }
        do {
            try consumer.commit(offsets, async: true)
        } catch {
            core.withState { state in
                for offset in offsets { state.commitFailed(offset) }
            }
            metrics.update { $0.commitFailures += 1 }
            logger.warning("offset commit failed; retrying at the next commit interval: \(error)")
        }
    }


    /// Lets in-flight work finish for up to the drain timeout, abandons the rest, commits what Kafka acknowledged
    /// and leaves the group; the log says which of those happened.
    private func drainAndClose() {
        let deadline = ContinuousClock.now + configuration.drainTimeout
        let buffered = core.withState { $0.buffered }
        if buffered > 0 {
            logger.info("draining in-flight work", metadata: ["in_flight": "\(buffered)", "timeout": "\(configuration.drainTimeout)"])
        }
        var lastCommit = ContinuousClock.now
        while core.withState({ $0.buffered }) > 0 && ContinuousClock.now < deadline && core.withState({ $0.failure }) == nil {
            if ContinuousClock.now - lastCommit >= configuration.commitInterval {
                commitAcknowledged()
                lastCommit = .now
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
        let abandoned = core.withState { $0.abandonAll() }
        if abandoned > 0 {
            logger.warning("drain timeout: \(abandoned) messages left uncommitted for the next owner")
        }
        let offsets = core.withState { $0.takeCommits(all: true) }
        var committed = offsets.isEmpty
        do {
            try consumer.commit(offsets, async: false)
            committed = true
        } catch {
            logger.error("final commit failed; the partitions' next owner redoes what followed the last commit: \(error)")
        }
        let everAssigned = metrics.snapshot.consumed > 0 || !core.withState { $0.assigned.isEmpty }
        let leaveError = consumer.close()
        producer.close(timeout: .seconds(5))
        switch (leaveError, everAssigned) {
        case (let error?, _):
            logger.warning("leaving the group failed (\(error)); the group reassigns the partitions after the session timeout")
        case (nil, false):
            logger.info("left the group; no partition had been assigned")
        case (nil, true):
            logger.info(committed ? "committed and left the group" : "left the group without the final commit")
        }
    }
}
