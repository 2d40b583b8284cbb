import Kafka
import Logging
import Synchronization

/// The engine's shared state behind one mutex, and the producer's acknowledgements that advance it.
final class StreamAppCore: Sendable {
    private let state: Mutex<StreamAppState>
    private let metrics: StreamAppMetrics
    private let logger: Logger

    init(metrics: StreamAppMetrics, configuration: StreamAppConfiguration, logger: Logger) {
        state = Mutex(
            StreamAppState(
                deadLetterTopic: configuration.deadLetterTopic,
                health: ModelHealth(threshold: configuration.breakerThreshold, window: configuration.breakerWindow)))
        self.metrics = metrics
        self.logger = logger
    }

    /// Runs `body` under the lock, then publishes the gauges it may have moved.
    func withState<Result>(_ body: (inout StreamAppState) -> Result) -> Result {
        let (result, buffered, abandoned, systemic) = state.withLock { state in
            (body(&state), state.buffered, state.abandoned, state.health.isSystemic)
        }
        metrics.update {
            $0.inFlight = buffered
            $0.inFlightHighWater = max($0.inFlightHighWater, buffered)
            $0.abandoned = abandoned
            $0.systemicFailure = systemic
        }
        return result
    }

    /// Applies a change of the model's health under the lock and logs it once, when it happens. `modelAnswered`:
    /// a model call returned, which is progress for `/healthz` whatever it said.
    func updateHealth(modelAnswered: Bool = false, _ body: (inout ModelHealth, _ buffered: Int) -> ModelHealth.Change) {
        let change = withState { state in
            let buffered = state.buffered
            let change = body(&state.health, buffered)
            if modelAnswered { state.lastProgress = .now }
            return change
        }
        switch change {
        case .none:
            return
        case .becameSystemic(let reason):
            metrics.update { $0.systemicChanges += 1 }
            logger.error(
                "systemic model failure: pausing consumption and retrying; nothing is dead-lettered until it ends",
                metadata: ["reason": "\(reason)"])
        case .recovered:
            metrics.update { $0.systemicChanges += 1 }
            logger.notice("the model answers again: resuming consumption")
        }
    }

    /// Called on the polling thread with the outcome of every offset commit.
    func committed(_ result: KafkaCommitResult) {
        guard let error = result.error else {
            metrics.update { $0.commits += 1 }
            return
        }
        withState { state in
            for offset in result.failed { state.commitFailed(offset) }
        }
        metrics.update { $0.commitFailures += 1 }
        // Still-owned partitions are committed again at the next interval (or at stop); revoked ones are the next
        // owner's, which redoes what followed their last commit.
        logger.warning(
            "offset commit failed; a later commit covers it while the partitions are still this member's",
            metadata: ["error": "\(error)", "partitions": "\(result.failed.map { "\($0.topic)/\($0.partition)@\($0.offset)" })"])
    }

    /// Called on the producer's polling thread for every message it was given.
    func delivered(_ report: KafkaDeliveryReport) {
        let delivery = withState { $0.acknowledge(report) }
        guard let delivery else { return }
        if let error = report.error {
            // Later outputs of the partition may be acknowledged, but its offset can never move past this one:
            // stop, and let the next run redo the uncommitted work.
            logger.error("Kafka did not take an output: \(error)", metadata: ["partition": "\(delivery.partition)", "offset": "\(delivery.offset)"])
            fail(error)
            return
        }
        metrics.update {
            if delivery.isDeadLetter { $0.deadLettered += 1 } else { $0.produced += 1 }
        }
    }

    /// Called on the polling thread, inside `poll` or `close`. Returns the offsets to commit before the revoked
    /// partitions go.
    func rebalanced(_ event: KafkaRebalance) -> [KafkaTopicPartitionOffset] {
        switch event {
        case .assigned(let partitions):
            withState {
                $0.assigned.formUnion(partitions.map(TopicPartition.init))
                $0.assignmentChanges += 1
            }
            logger.info("partitions assigned", metadata: ["partitions": "\(partitions.map { "\($0.topic)/\($0.partition)" })"])
            return []
        case .revoked(let partitions):
            let (offsets, abandoned) = withState { state in
                let before = state.abandoned
                state.assigned.subtract(partitions.map(TopicPartition.init))
                state.assignmentChanges += 1
                let offsets = state.revoke(partitions.map(TopicPartition.init))
                return (offsets, state.abandoned - before)
            }
            logger.info(
                "partitions revoked; committing what Kafka acknowledged, leaving the rest to the next owner",
                metadata: ["partitions": "\(partitions.map { "\($0.topic)/\($0.partition)" })", "abandoned": "\(abandoned)"])
            return offsets
        }
    }

    func fail(_ error: any Error) {
        withState { state in
            if state.failure == nil { state.failure = error }
        }
    }
}
