import ArgumentParser
import CommandSupport
import Confluent
import Foundation
import HTTP
import Logging
import PipelineConfig

@main
struct TopicProvision: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topic-provision",
        abstract: "Create Confluent Cloud topics and keep them in the declared state, through the Kafka REST API.",
        discussion: """
            The topics come from kafka.topics in the pipeline configuration, or from --topic. Only what is \
            declared is managed: the partition count, the replication factor, and the configs named; every \
            other config stays at the cluster's default and is never reported as drift. Kafka cannot remove \
            partitions or change a replication factor, so such a difference is refused, never forced.

            Connection: --rest-endpoint ($KAFKA_REST_ENDPOINT) and --cluster-id ($KAFKA_ID), or the \
            configuration's kafka.rest_endpoint and kafka.cluster_id, with a cluster API key in \
            $KAFKA_API_KEY and $KAFKA_API_SECRET. Without an endpoint, a Cloud API key \
            ($CONFLUENT_CLOUD_API_KEY, $CONFLUENT_CLOUD_API_SECRET) and --environment look it up in cmk/v2.

            Exit status: 0 done, 1 failed or a refused change, 64 bad input (flags, environment, \
            configuration); plan --detailed-exitcode: 2 = changes pending.

            Examples:
              topic-provision plan
              topic-provision plan --detailed-exitcode --output json
              topic-provision apply
              topic-provision apply --topic images:12:retention.ms=3600000
              topic-provision status
              topic-provision destroy --allow-delete --yes
            """,
        version: ToolVersion.text,
        subcommands: [Plan.self, Apply.self, Status.self, Destroy.self])

    static func main() async { await ToolMain.run(Self.self) }
}

extension TopicProvision {
    struct Plan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show what apply would change: create, add partitions, change config, or nothing.",
            discussion: """
                Exit status: 0 when the cluster matches the declaration (or, without --detailed-exitcode, \
                whenever the plan could be made); 2 with --detailed-exitcode when changes are pending; 1 on \
                an error or a refused change (such as fewer partitions than the topic has).
                """)

        @OptionGroup var common: CommonOptions

        @Flag(help: "Exit 2 when changes are pending, 0 when there are none (as terraform plan does).")
        var detailedExitcode = false

        func run() async throws {
            try await common.run { session in
                let plan = try await session.provisioner.plan(session.desired)
                session.emit(
                    text: TopicReport.planLines(plan),
                    json: TopicReport.planJSON(plan, clusterID: session.clusterID))
                if !plan.refusals.isEmpty {
                    throw TopicPlanRefusedError(refusals: plan.refusals)
                }
                if detailedExitcode && plan.hasChanges { throw ExitCode(2) }
            }
        }
    }

    struct Apply: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create missing topics, add partitions and set configs, then wait until created topics are readable.",
            discussion: """
                A topic that already exists with the declared settings counts as success. A plan with a refused \
                change (a partition decrease, a different replication factor) is not applied at all.
                """)

        @OptionGroup var common: CommonOptions

        @Flag(help: "Ask the cluster to validate creations and config changes without making them (validate_only).")
        var validateOnly = false

        func run() async throws {
            try await common.run { session in
                let plan = try await session.provisioner.plan(session.desired)
                if session.output == .text {
                    TopicReport.planLines(plan).forEach(StandardOutput.write(line:))
                }
                let results = try await session.provisioner.apply(plan, validateOnly: validateOnly)
                session.emit(
                    text: TopicReport.applyLines(results, validateOnly: validateOnly),
                    json: TopicReport.applyJSON(results, clusterID: session.clusterID, validateOnly: validateOnly))
            }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the declared topics as the cluster has them: partitions, replication factor, managed configs.")

        @OptionGroup var common: CommonOptions

        func run() async throws {
            try await common.run { session in
                let current = try await session.provisioner.currentState(of: session.desired)
                session.emit(
                    text: TopicReport.statusLines(session.desired, current: current),
                    json: TopicReport.statusJSON(session.desired, current: current, clusterID: session.clusterID))
            }
        }
    }

    struct Destroy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete the declared topics, and their messages. Needs both --allow-delete and --yes.",
            discussion: "Only declared topics are deleted; a declared topic that does not exist is reported and skipped.")

        @OptionGroup var common: CommonOptions

        @Flag(help: "Permit deleting topics at all (a policy switch, for CI jobs that may destroy).")
        var allowDelete = false

        @Flag(help: "Confirm that the declared topics and all their messages are to be deleted.")
        var yes = false

        func run() async throws {
            try await common.run(check: checkConfirmation) { session in
                let results = try await session.provisioner.destroy(session.desired.map(\.name))
                session.emit(
                    text: TopicReport.destroyLines(results),
                    json: TopicReport.destroyJSON(results, clusterID: session.clusterID))
            }
        }

        /// Checked before connecting, so that a destroy without both flags never reaches the cluster.
        private func checkConfirmation() throws {
            guard allowDelete && yes else {
                throw InputError(
                    "destroy deletes the declared topics and all their messages; pass both --allow-delete and --yes")
            }
        }
    }
}
