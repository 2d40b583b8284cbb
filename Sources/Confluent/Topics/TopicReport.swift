import Foundation
import PipelineConfig

/// How plans and results read: short lines for people, one JSON document for scripts (`--output json`).
public enum TopicReport {
    // MARK: Text

    public static func planLines(_ plan: TopicPlan) -> [String] {
        var lines: [String] = []
        for entry in plan.entries {
            let topic = entry.desired
            switch entry.action {
            case .create:
                let configs = topic.configs.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                let facts = ["\(topic.partitions) partitions", "replication factor \(topic.replicationFactor)"] + configs
                lines.append("+ create \(topic.name): \(facts.joined(separator: ", "))")
            case .update:
                if let increase = entry.partitionIncrease {
                    lines.append("~ update \(topic.name): partitions \(increase.from) -> \(increase.to)")
                }
                for change in entry.configChanges {
                    lines.append("~ update \(topic.name): \(change.name) \(change.current ?? "(unset)") -> \(change.desired)")
                }
            case .none:
                lines.append("= \(topic.name): up to date")
            case .refused:
                lines += entry.refusals.map { "! refused: \($0)" }
            }
        }
        lines.append(
            "Plan: \(plan.count(.create)) to create, \(plan.count(.update)) to update, \(plan.count(.none)) up to date, "
                + "\(plan.count(.refused)) refused.")
        return lines
    }

    public static func applyLines(_ results: [TopicApplyResult], validateOnly: Bool) -> [String] {
        var lines = results.map { result in
            let details = result.details.isEmpty ? "" : ": " + result.details.joined(separator: ", ")
            return "\(result.outcome.rawValue.replacingOccurrences(of: "_", with: " ")) \(result.topic)\(details)"
        }
        let counts = [TopicApplyResult.Outcome.created, .alreadyExisted, .updated, .validated, .unchanged]
            .map { outcome in (outcome, results.filter { $0.outcome == outcome }.count) }
            .filter { $0.1 > 0 }
            .map { "\($0.1) \($0.0.rawValue.replacingOccurrences(of: "_", with: " "))" }
        let summary = counts.isEmpty ? "no topics declared" : counts.joined(separator: ", ")
        lines.append(validateOnly ? "Validation complete (nothing changed): \(summary)." : "Apply complete: \(summary).")
        return lines
    }

    public static func statusLines(_ desired: [TopicSettings], current: [String: KafkaTopicState]) -> [String] {
        desired.map { topic in
            guard let state = current[topic.name] else { return "\(topic.name): absent" }
            let configs = topic.configs.keys.sorted().map { "\($0)=\(state.configs[$0] ?? "(unset)")" }
            let facts = ["\(state.partitions) partitions", "replication factor \(state.replicationFactor)"] + configs
            return "\(topic.name): " + facts.joined(separator: ", ")
        }
    }

    public static func destroyLines(_ results: [TopicDestroyResult]) -> [String] {
        results.map { $0.deleted ? "deleted \($0.topic)" : "absent \($0.topic) (nothing to delete)" }
            + ["Destroy complete: \(results.filter(\.deleted).count) deleted."]
    }

    // MARK: JSON

    public static func planJSON(_ plan: TopicPlan, clusterID: String) -> String {
        struct Document: Encodable {
            let cluster_id: String
            let changes_pending: Bool
            let summary: [String: Int]
            let topics: [Topic]
        }
        struct Topic: Encodable {
            let name: String
            let action: TopicPlanEntry.Action
            let partitions: Change<Int>
            let replication_factor: Change<Int>
            let config_changes: [TopicConfigChange]
            let refusals: [String]
        }
        let topics = plan.entries.map { entry in
            Topic(
                name: entry.desired.name, action: entry.action,
                partitions: Change(current: entry.current?.partitions, desired: entry.desired.partitions),
                replication_factor: Change(
                    current: entry.current?.replicationFactor, desired: entry.desired.replicationFactor),
                config_changes: entry.current == nil
                    ? entry.desired.configs.sorted { $0.key < $1.key }.map {
                        TopicConfigChange(name: $0.key, current: nil, desired: $0.value)
                    } : entry.configChanges,
                refusals: entry.refusals)
        }
        let summary = Dictionary(uniqueKeysWithValues: [TopicPlanEntry.Action.create, .update, .none, .refused].map {
            ($0.rawValue, plan.count($0))
        })
        return encode(Document(cluster_id: clusterID, changes_pending: plan.hasChanges, summary: summary, topics: topics))
    }

    public static func applyJSON(_ results: [TopicApplyResult], clusterID: String, validateOnly: Bool) -> String {
        struct Document: Encodable {
            let cluster_id: String
            let validate_only: Bool
            let topics: [TopicApplyResult]
        }
        return encode(Document(cluster_id: clusterID, validate_only: validateOnly, topics: results))
    }

    public static func statusJSON(_ desired: [TopicSettings], current: [String: KafkaTopicState], clusterID: String)
        -> String
    {
        struct Document: Encodable {
            let cluster_id: String
            let topics: [Topic]
        }
        struct Topic: Encodable {
            let name: String
            let exists: Bool
            let partitions: Int?
            let replication_factor: Int?
            /// The managed configs as the cluster has them.
            let configs: [String: String]
        }
        let topics = desired.map { topic in
            let state = current[topic.name]
            return Topic(
                name: topic.name, exists: state != nil, partitions: state?.partitions,
                replication_factor: state?.replicationFactor,
                configs: state.map { state in state.configs.filter { topic.configs.keys.contains($0.key) } } ?? [:])
        }
        return encode(Document(cluster_id: clusterID, topics: topics))
    }

    public static func destroyJSON(_ results: [TopicDestroyResult], clusterID: String) -> String {
        struct Document: Encodable {
            let cluster_id: String
            let topics: [TopicDestroyResult]
        }
        return encode(Document(cluster_id: clusterID, topics: results))
    }

    private struct Change<Value: Encodable>: Encodable {
        let current: Value?
        let desired: Value
    }

    private static func encode(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Every shape here is plain strings, numbers and booleans, which always encode.
        return (try? String(decoding: encoder.encode(value), as: UTF8.self)) ?? "{}"
    }
}
