import Foundation
import Logging
import PipelineConfig

/// Brings declared topics to their desired state through Kafka REST: reads them, plans, applies, deletes.
public struct TopicProvisioner: Sendable {
    public let client: KafkaRestClient
    private let logger: Logger
    /// How long a created topic may take to become readable, or a deleted one to go. Default: 60 s.
    public var settleTimeout: Duration

    public init(client: KafkaRestClient, logger: Logger, settleTimeout: Duration = .seconds(60)) {
        self.client = client
        self.logger = logger
        self.settleTimeout = settleTimeout
    }

    /// The declared topics as the cluster has them; absent ones are missing from the result.
    public func currentState(of desired: [TopicSettings]) async throws -> [String: KafkaTopicState] {
        var current: [String: KafkaTopicState] = [:]
        for topic in desired {
            logger.debug("reading topic \(topic.name)")
            current[topic.name] = try await client.topicWithConfigs(named: topic.name)
        }
        return current
    }

    public func plan(_ desired: [TopicSettings]) async throws -> TopicPlan {
        TopicPlanner.plan(desired: desired, current: try await currentState(of: desired))
    }

    /// Carries the plan out, topic by topic. Refuses the whole plan, before any change, if any part of it is
    /// refused. With `validateOnly` the cluster checks creations and config changes without making them; it has
    /// no dry run for partition increases, which are then only checked here.
    public func apply(_ plan: TopicPlan, validateOnly: Bool) async throws -> [TopicApplyResult] {
        guard plan.refusals.isEmpty else { throw TopicPlanRefusedError(refusals: plan.refusals) }
        var results: [TopicApplyResult] = []
        for entry in plan.entries {
            switch entry.action {
            case .create:
                results.append(try await create(entry.desired, validateOnly: validateOnly))
            case .update:
                let details = try await update(entry, validateOnly: validateOnly)
                results.append(
                    TopicApplyResult(
                        topic: entry.desired.name, outcome: validateOnly ? .validated : .updated, details: details))
            case .none:
                results.append(TopicApplyResult(topic: entry.desired.name, outcome: .unchanged, details: []))
            case .refused:
                throw TopicPlanRefusedError(refusals: entry.refusals)
            }
        }
        return results
    }

    /// Deletes the named topics that exist, and waits until each is gone.
    public func destroy(_ names: [String]) async throws -> [TopicDestroyResult] {
        var results: [TopicDestroyResult] = []
        for name in names {
            logger.info("deleting topic \(name)")
            let deleted = try await client.deleteTopic(named: name)
            if deleted {
                try await waitUntil("topic \(name) to be deleted") { try await client.topic(named: name) == nil }
            }
            results.append(TopicDestroyResult(topic: name, deleted: deleted))
        }
        return results
    }

    private func create(_ topic: TopicSettings, validateOnly: Bool) async throws -> TopicApplyResult {
        logger.info("\(validateOnly ? "validating" : "creating") topic \(topic.name) (\(topic.partitions) partitions)")
        do {
            try await client.createTopic(
                name: topic.name, partitions: topic.partitions, replicationFactor: topic.replicationFactor,
                configs: topic.configs, validateOnly: validateOnly)
        } catch let error as ConfluentError where error.code == .topicAlreadyExists {
            // 40002 also means other bad requests (a replication factor the cluster cannot meet), so the topic's
            // presence decides. It may have been created by someone else since the plan, or by a retried POST
            // whose first attempt succeeded after all.
            guard let current = try await client.topicWithConfigs(named: topic.name) else { throw error }
            let entry = TopicPlanner.entry(desired: topic, current: current)
            guard entry.refusals.isEmpty else { throw TopicPlanRefusedError(refusals: entry.refusals) }
            logger.info("topic \(topic.name) already exists")
            let details = entry.action == .update ? try await update(entry, validateOnly: validateOnly) : []
            return TopicApplyResult(topic: topic.name, outcome: .alreadyExisted, details: details)
        }
        if validateOnly {
            return TopicApplyResult(topic: topic.name, outcome: .validated, details: ["create"])
        }
        try await waitUntil("topic \(topic.name) to become readable") {
            try await client.topic(named: topic.name) != nil
        }
        return TopicApplyResult(topic: topic.name, outcome: .created, details: [])
    }

    private func update(_ entry: TopicPlanEntry, validateOnly: Bool) async throws -> [String] {
        let name = entry.desired.name
        var details: [String] = []
        if let increase = entry.partitionIncrease {
            if validateOnly {
                details.append("partitions \(increase.from) -> \(increase.to) (not validated: the API has no dry run for it)")
            } else {
                logger.info("raising partitions of \(name) from \(increase.from) to \(increase.to)")
                try await raisePartitions(of: name, to: increase.to)
                details.append("partitions \(increase.from) -> \(increase.to)")
            }
        }
        if !entry.configChanges.isEmpty {
            let changes = Dictionary(uniqueKeysWithValues: entry.configChanges.map { ($0.name, $0.desired) })
            logger.info("\(validateOnly ? "validating" : "setting") configs of \(name): \(changes.keys.sorted().joined(separator: ", "))")
            try await client.setConfigs(changes, ofTopic: name, validateOnly: validateOnly)
            details += entry.configChanges.map { "\($0.name) \($0.current ?? "(unset)") -> \($0.desired)" }
        }
        return details
    }

    /// A retried PATCH whose first attempt went through answers 40002 ("already has N partitions"): then the
    /// count on the cluster says whether the work is done.
    private func raisePartitions(of name: String, to partitions: Int) async throws {
        do {
            try await client.setPartitionCount(partitions, ofTopic: name)
        } catch let error as ConfluentError where error.code == .topicAlreadyExists {
            guard try await client.topic(named: name)?.partitions == partitions else { throw error }
        }
    }

    /// Polls with growing pauses until `condition` holds, for at most `settleTimeout`.
    private func waitUntil(_ what: String, _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + settleTimeout
        var pause = Duration.milliseconds(100)
        while try await !condition() {
            guard ContinuousClock.now < deadline else {
                throw ConfluentError(
                    code: .timedOut, operation: "wait for \(what)",
                    reason: "still not done after \(settleTimeout)")
            }
            logger.debug("waiting for \(what)")
            try await Task.sleep(for: pause)
            pause = min(pause * 2, .seconds(2))
        }
    }
}
