import ArgumentParser
import CommandSupport
import Foundation
import Google
import HTTP
import Logging
import PipelineConfig

extension GoogleAPI: ExpressibleByArgument {}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// The model and where it goes: each flag overrides the `google:` section of the configuration.
struct ModelOptions: ParsableArguments {
    @Option(help: "vertex (default; Vertex AI) or ml-engine (AI Platform Prediction, shut down by Google on 2025-01-31).")
    var api: GoogleAPI?

    @Option(help: ArgumentHelp(
        "Google Cloud project. Default: google.project, then $GOOGLE_CLOUD_PROJECT, then the key file's project_id.",
        valueName: "id"))
    var project: String?

    @Option(help: ArgumentHelp("Region, e.g. us-central1. Default: google.region.", valueName: "region"))
    var region: String?

    @Option(name: .customLong("model"), help: ArgumentHelp("Model name (and Vertex model id).", valueName: "name"))
    var modelName: String?

    @Option(name: .customLong("model-version"), help: ArgumentHelp("ML Engine version name, e.g. v1.", valueName: "name"))
    var version: String?

    @Option(help: ArgumentHelp("The TensorFlow SavedModel directory, gs://bucket/path/.", valueName: "gs-uri"))
    var savedModelURI: String?

    @Option(help: ArgumentHelp("ML Engine runtime version, e.g. 2.11.", valueName: "version"))
    var runtimeVersion: String?

    @Option(help: ArgumentHelp("ML Engine framework: tensorflow, scikit_learn or xgboost.", valueName: "name"))
    var framework: String?

    @Option(help: ArgumentHelp("Compute Engine machine type of each replica, e.g. n1-standard-4.", valueName: "type"))
    var machineType: String?

    @Option(help: ArgumentHelp("Vertex serving container image.", valueName: "image"))
    var containerImage: String?

    @Option(help: "Fewest replicas (ML Engine: nodes).")
    var minReplicas: Int?

    @Option(help: "Most replicas (ML Engine: nodes).")
    var maxReplicas: Int?

    @Option(name: .customLong("endpoint"), help: ArgumentHelp("Vertex endpoint id. Default: <model>-endpoint.", valueName: "id"))
    var endpointName: String?

    @Option(name: .customLong("label"), help: ArgumentHelp("A label, key=value (repeatable), added to the configuration's.", valueName: "key=value"))
    var labels: [String] = []

    /// The configuration's settings with these flags applied.
    func settings(_ base: GoogleSettings) throws -> GoogleSettings {
        var settings = base
        if let api { settings.api = api }
        if let project { settings.project = project }
        if let region { settings.region = region }
        if let modelName { settings.model.name = modelName }
        if let version { settings.model.version = version }
        if let savedModelURI { settings.model.savedModelURI = savedModelURI }
        if let runtimeVersion { settings.model.runtimeVersion = runtimeVersion }
        if let framework { settings.model.framework = framework }
        if let machineType { settings.model.machineType = machineType }
        if let containerImage { settings.model.containerImage = containerImage }
        if let minReplicas { settings.model.minReplicas = minReplicas }
        if let maxReplicas { settings.model.maxReplicas = maxReplicas }
        if let endpointName { settings.model.endpointName = endpointName }
        for label in labels {
            let parts = label.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty else {
                throw ValidationError("Please write --label as key=value, not '\(label)'.")
            }
            settings.model.labels[parts[0]] = parts[1]
        }
        return settings
    }
}

/// How to reach Google: credentials, API host, waiting and output.
struct GoogleConnectionOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "A service-account key file. Default: $GOOGLE_APPLICATION_CREDENTIALS, then gcloud's application-default "
            + "credentials, then the metadata server.", valueName: "file"))
    var credentials: String?

    @Option(help: ArgumentHelp(
        "An OAuth access token to use as is (prefer $GOOGLE_OAUTH_ACCESS_TOKEN: flags show up in ps).", valueName: "token"))
    var accessToken: String?

    @Option(help: ArgumentHelp(
        "Send API calls to this root instead of Google's regional host (private endpoints, local test servers). "
            + "Default: $MODEL_PROVISION_API_ROOT.", valueName: "url"))
    var apiRoot: String?

    @Option(help: ArgumentHelp("Give up waiting for operations after this long, e.g. 45m.", valueName: "duration"))
    var timeout = "60m"

    @Option(help: ArgumentHelp("First wait between operation polls; it doubles up to 30s.", valueName: "duration"))
    var pollInterval = "2s"

    @Option(help: "text, or json for scripts.")
    var output: OutputFormat = .text

}

/// Everything a subcommand needs, built from its options.
struct ProvisionContext {
    let provisioner: ModelProvisioner
    let output: OutputFormat
    let redactor: HTTPRedactor
    let credential: any GoogleCredential

    init(
        configuration: ConfigurationOptions, model: ModelOptions, connection: GoogleConnectionOptions,
        logging: LoggingOptions, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws {
        let logger = logging.makeLogger(label: "model-provision")
        let settings = try model.settings(try configuration.load().google)
        let access: GoogleModelAccess
        do {
            access = try GoogleModelAccess(
                settings: settings, accessToken: connection.accessToken, credentialsFile: connection.credentials,
                apiRoot: connection.apiRoot, userAgent: "image-pipeline-model-provision/1.0",
                waiter: GoogleOperationWaiter(
                    initialInterval: try parseDuration(connection.pollInterval, flag: "--poll-interval"),
                    timeout: try parseDuration(connection.timeout, flag: "--timeout")),
                environment: environment, logger: logger,
                progress: { line in FileHandle.standardError.write(Data((line + "\n").utf8)) })
        } catch let error as GoogleError where error.kind == .invalidInput {
            throw ValidationError(error.message)
        }
        let redactor = access.redactor
        provisioner = access.provisioner
        output = connection.output
        self.redactor = redactor
        credential = access.credential
    }

    var heading: String {
        let deployment = provisioner.deployment
        let api = deployment.api == .vertex ? "Vertex AI" : "ML Engine"
        return "\(api), project \(deployment.project), region \(deployment.region), credential: \(credential)"
    }

    func write(_ lines: [String]) {
        for line in lines { StandardOutput.write(line: redactor.redact(line)) }
    }

    func writeJSON(_ object: Any) throws {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        StandardOutput.write(line: redactor.redact(String(decoding: data, as: UTF8.self)))
    }

    func writeJSON(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        StandardOutput.write(line: redactor.redact(String(decoding: try encoder.encode(value), as: UTF8.self)))
    }
}
