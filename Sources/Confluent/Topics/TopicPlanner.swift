import Foundation
import PipelineConfig

/// Compares declared topics with the cluster's, on the managed keys only: the partition count, the replication
/// factor, and the configs the declaration names. Every other config is the server's business, so a server
/// default never shows up as drift.
public enum TopicPlanner {
    public static func plan(desired: [TopicSettings], current: [String: KafkaTopicState]) -> TopicPlan {
        TopicPlan(entries: desired.map { entry(desired: $0, current: current[$0.name]) })
    }

    public static func entry(desired: TopicSettings, current: KafkaTopicState?) -> TopicPlanEntry {
        guard let current else {
            return TopicPlanEntry(
                desired: desired, current: nil, partitionIncrease: nil, configChanges: [], refusals: [])
        }
        var refusals: [String] = []
        var partitionIncrease: TopicPartitionIncrease?
        if desired.partitions > current.partitions {
            partitionIncrease = TopicPartitionIncrease(from: current.partitions, to: desired.partitions)
        } else if desired.partitions < current.partitions {
            refusals.append(
                "topic \(desired.name) has \(current.partitions) partitions and \(desired.partitions) are declared: "
                    + "Kafka cannot remove partitions (declare \(current.partitions) or more, or destroy and "
                    + "recreate the topic, losing its messages)")
        }
        if desired.replicationFactor != current.replicationFactor {
            refusals.append(
                "topic \(desired.name) has replication factor \(current.replicationFactor) and "
                    + "\(desired.replicationFactor) is declared: the REST API cannot change it (declare "
                    + "\(current.replicationFactor))")
        }
        let configChanges = desired.configs.keys.sorted().compactMap { name -> TopicConfigChange? in
            let wanted = desired.configs[name] ?? ""
            let actual = current.configs[name]
            if let actual, sameValue(actual, wanted) { return nil }
            return TopicConfigChange(name: name, current: actual, desired: wanted)
        }
        return TopicPlanEntry(
            desired: desired, current: current, partitionIncrease: partitionIncrease, configChanges: configChanges,
            refusals: refusals)
    }

    /// Equal as Kafka means it: surrounding spaces do not count, and list values (`cleanup.policy`
    /// `compact,delete`) are sets, so the broker's reordering is not a change.
    static func sameValue(_ actual: String, _ wanted: String) -> Bool {
        func items(_ value: String) -> [String] {
            value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.sorted()
        }
        let trimmedActual = actual.trimmingCharacters(in: .whitespaces)
        let trimmedWanted = wanted.trimmingCharacters(in: .whitespaces)
        return trimmedActual == trimmedWanted || (wanted.contains(",") && items(actual) == items(wanted))
    }
}
