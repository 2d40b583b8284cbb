import ArgumentParser
import CommandSupport
import Confluent
import Foundation
import HTTP
import Logging
import PipelineConfig

@main
struct ClusterProvision: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster-provision",
        abstract: "Create the Confluent Cloud cluster, a service account and API key per program, and least-privilege ACLs.",
        discussion: """
            Declarative, from kafka: in the pipeline configuration: kafka.environment (env-…) and kafka.cluster \
            (name, cloud GCP, region default google.region, type Basic/Standard/Dedicated, ckus, availability). \
            Each program gets a service account <cluster name>-<program> and an API key scoped to the cluster; \
            inference-app may read stream_app.input_topic, write the output and dead-letter topics and commit as \
            stream_app.group_id; image-loadgen may write and read load.topic, read the output topic, and use \
            consumer groups starting with image-pipeline-reader-. Nothing else.

            apply creates what is missing and waits: for the cluster until Confluent reports PROVISIONED, for each \
            new key until two reads in a row succeed (a new key answers 401 until it has spread). A key's secret \
            is never printed or logged: it goes once into <secrets-dir>/<program>.env (mode 0600), ready for \
            `kubectl create secret generic image-pipeline-credentials --from-env-file=…`. A second apply creates \
            nothing and never replaces a key; destroy removes only what apply made.

            Credentials: a Cloud API key in $CONFLUENT_CLOUD_API_KEY and $CONFLUENT_CLOUD_API_SECRET. ACLs are \
            managed with a cluster key of the Cloud key's owner that apply keeps in <secrets-dir>/cluster-admin.env, \
            or with $KAFKA_API_KEY and $KAFKA_API_SECRET when set.

            Exit status: 0 done, 1 failed (the error says why), 64 bad input (flags, environment, \
            configuration); plan --detailed-exitcode: 2 = changes pending.

            Examples:
              cluster-provision plan --environment env-a1b2c3
              cluster-provision apply
              cluster-provision status --output json
              cluster-provision destroy --yes
            """,
        version: ToolVersion.text,
        subcommands: [Plan.self, Apply.self, Status.self, Destroy.self])

    static func main() async { await ToolMain.run(Self.self) }
}

struct CommonOptions: ParsableArguments {
    @OptionGroup var configuration: ConfigurationOptions

    @OptionGroup var cloud: ConfluentCloudOptions

    @Option(help: ArgumentHelp(
        "Where each program's env file (KAFKA_API_KEY, KAFKA_API_SECRET, KAFKA_BOOTSTRAP_SERVERS) is written, "
            + "mode 0600. Keep it out of version control.", valueName: "dir"))
    var secretsDir = ".secrets/confluent"

    @Option(help: ArgumentHelp("Give up waiting for the cluster or a new key after this long, e.g. 45m.", valueName: "duration"))
    var waitTimeout = Defaulted(default: "30m")

    @Option(name: .customLong("timeout"), help: .hidden)
    var oldTimeout: String?

    @Option(help: ArgumentHelp("First wait between polls; it doubles up to 30s.", valueName: "duration"))
    var pollInterval = "5s"

    @OptionGroup var outputOptions: OutputOptions

    @OptionGroup var logging: LoggingOptions

    /// Checks every input before any request; bad input leaves with one line and exit 64.
    func provisioner(environment variables: [String: String] = ProcessInfo.processInfo.environment) throws
        -> ClusterProvisioner
    {
        // Flags first: a mistyped duration is reported before anything else is looked up.
        let timeout = try parseWaitTimeout(waitTimeout, old: oldTimeout)
        let pollInterval = try parseDuration(pollInterval, flag: "--poll-interval")
        let settings = try configuration.load()
        guard let environment = cloud.environmentID(configured: settings.kafka.environment, environment: variables)
        else {
            throw ConfluentInputError(
                "no environment: pass --environment env-…, set \(ConfluentCloudOptions.environmentVariable), or set "
                    + "kafka.environment")
        }
        let cloudCredentials = try cloud.cloudCredentials(environment: variables)
        guard let cloudCredentials else {
            throw ConfluentInputError(
                "no Cloud API key: set \(ConfluentCloudOptions.cloudKeyVariable) and "
                    + "\(ConfluentCloudOptions.cloudSecretVariable) (`confluent api-key create --resource cloud`)")
        }
        let admin = try ConfluentCredentials.fromEnvironment(
            SecretsFile.keyVariable, SecretsFile.secretVariable, variables, purpose: "a cluster key that may manage ACLs")
        let provisionSettings = ClusterProvisionSettings(
            environment: environment, cluster: settings.kafka.cluster,
            region: settings.kafka.cluster.region ?? settings.google.region, access: PipelineAccess(settings),
            secretsDirectory: secretsDir, adminCredentials: admin,
            timeout: timeout, pollInterval: pollInterval)
        try provisionSettings.validate()
        try ConfluentInputError.checkURL(cloud.cloudAPIRoot, flag: "--cloud-api-root")
        var redactor = cloudCredentials.redacting()
        if let admin { redactor = admin.redacting(redactor) }
        let (http, httpLogger) = ConfluentCloudOptions.httpClient(
            tool: "cluster-provision", redactor: redactor, logLevel: logging.logLevel)
        _ = logging.makeLogger(label: "cluster-provision")
        return ClusterProvisioner(
            settings: provisionSettings,
            cloud: ConfluentCloudClient(apiRoot: cloud.cloudAPIRoot, credentials: cloudCredentials, http: http), http: http,
            httpLogger: httpLogger, progress: { [redactor] line in FileHandle.standardError.write(Data((redactor.redact(line) + "\n").utf8)) })
    }

    /// Runs `body` with the provisioner; bad input it finds by reading (a wrong kind of key) is a
    /// `ConfluentInputError`, which `ToolMain` reports with exit 64.
    func run(_ body: (ClusterProvisioner) async throws -> Void) async throws {
        try await body(try provisioner())
    }

    func heading(_ provisioner: ClusterProvisioner) -> String {
        "Confluent Cloud environment \(provisioner.settings.environment), cluster \(provisioner.settings.cluster.name), "
            + "with Cloud \(provisioner.cloud.credentials)"
    }

    func emit(_ plan: ClusterPlan, heading: String, footer: [String] = []) throws {
        switch outputOptions.output {
        case .text:
            for line in plan.rendered(heading: heading) + footer { StandardOutput.write(line: line) }
        case .json:
            let data = try JSONSerialization.data(withJSONObject: plan.jsonObject, options: [.sortedKeys, .withoutEscapingSlashes])
            StandardOutput.write(line: String(decoding: data, as: UTF8.self))
        }
    }
}

extension ClusterProvision {
    struct Plan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show what apply would create. Reads only.")

        @OptionGroup var options: CommonOptions

        @Flag(help: "Exit 2 when changes are pending, 0 when there are none (as terraform plan does).")
        var detailedExitcode = false

        func run() async throws {
            try await options.run { provisioner in
                let plan = try await provisioner.plan()
                try options.emit(plan, heading: options.heading(provisioner))
                if detailedExitcode && !plan.changes.isEmpty { throw ExitCode(2) }
            }
        }
    }

    struct Apply: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create what is missing, wait until it works, write each new key's secret to its env file.")

        @OptionGroup var options: CommonOptions

        func run() async throws {
            try await options.run { provisioner in
                let plan = try await provisioner.apply()
                let files = provisioner.settings.access.programs.map {
                    SecretsFile(directory: provisioner.settings.secretsDirectory, name: $0.name).path
                }
                try options.emit(
                    plan, heading: options.heading(provisioner),
                    footer: plan.changes.isEmpty
                        ? [] : ["Applied. Credentials for the programs: \(files.joined(separator: ", "))."])
            }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show what exists: cluster, service accounts, keys, ACLs.")

        @OptionGroup var options: CommonOptions

        func run() async throws {
            try await options.run { provisioner in
                try options.emit(try await provisioner.status(), heading: options.heading(provisioner))
            }
        }
    }

    struct Destroy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete the ACLs, keys and service accounts apply made, and the cluster with all its data. Needs --yes.")

        @OptionGroup var options: CommonOptions

        @Flag(help: "Really delete; without it destroy only shows what it would remove.")
        var yes = false

        func run() async throws {
            try await options.run { provisioner in
                let plan = try await provisioner.destroy(run: yes)
                try options.emit(plan, heading: options.heading(provisioner))
                if !yes && !plan.changes.isEmpty {
                    throw ValidationError("Refusing to delete without --yes; the plan above shows what would go.")
                }
            }
        }
    }
}
