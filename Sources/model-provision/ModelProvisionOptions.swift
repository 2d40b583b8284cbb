import ArgumentParser
import CommandSupport
import Foundation
import Google
import HTTP
import Logging
import PipelineConfig

extension GoogleAPI: ExpressibleByArgument {}

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

    @Option(help: ArgumentHelp("Model name (and Vertex model id). Default: google.model.name.", valueName: "name"))
    var modelName: String?

    @Option(name: .customLong("model"), help: .hidden)
    var oldModelName: String?

    @Option(help: ArgumentHelp("ML Engine version name, e.g. v1. Default: google.model.version.", valueName: "name"))
    var versionName: String?

    @Option(name: .customLong("model-version"), help: .hidden)
    var oldVersionName: String?

    @Option(help: ArgumentHelp("The TensorFlow SavedModel directory, gs://bucket/path/.", valueName: "gs-uri"))
    var savedModelURI: String?

    @Option(help: ArgumentHelp(
        "A SavedModel folder on disk (saved_model.pb, variables/, assets/): plan shows, and apply and upload send, "
            + "the files missing or changed at --saved-model-uri.", valueName: "dir"))
    var savedModel: String?

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
        if let modelName = try Deprecation.option(modelName, "--model-name", old: oldModelName, "--model").value {
            settings.model.name = modelName
        }
        if let version = try Deprecation.option(versionName, "--version-name", old: oldVersionName, "--model-version").value {
            settings.model.version = version
        }
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
    @OptionGroup var google: GoogleAccessOptions

    @Option(help: ArgumentHelp(
        "An OAuth access token to use as is (prefer $GOOGLE_OAUTH_ACCESS_TOKEN: flags show up in ps).", valueName: "token"))
    var accessToken: String?

    @Option(help: ArgumentHelp("Give up waiting for operations after this long, e.g. 45m.", valueName: "duration"))
    var waitTimeout = Defaulted(default: "60m")

    @Option(name: .customLong("timeout"), help: .hidden)
    var oldTimeout: String?

    @Option(help: ArgumentHelp("First wait between operation polls; it doubles up to 30s.", valueName: "duration"))
    var pollInterval = "2s"

    @OptionGroup var outputOptions: OutputOptions

    @Option(help: ArgumentHelp(
        "Bytes per resumable upload request, a multiple of 256 KiB, e.g. 8MiB or 512KiB; smaller files go up in "
            + "one request.", valueName: "size"))
    var uploadChunkSize = "8MiB"

    /// `8MiB`, `512KiB` or plain bytes, a positive multiple of 256 KiB.
    func chunkSize() throws -> Int {
        let units: [(String, Int)] = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10), ("", 1)]
        let (suffix, unit) = units.first { uploadChunkSize.hasSuffix($0.0) }!
        guard let count = Int(uploadChunkSize.dropLast(suffix.count)), count > 0,
            count <= Int.max / unit, (count * unit) % SavedModelUploader.chunkQuantum == 0
        else {
            throw ValidationError(
                "--upload-chunk-size \(uploadChunkSize): use a positive multiple of 256KiB, such as 8MiB or 512KiB.")
        }
        return count * unit
    }

}

/// Everything a subcommand needs, built from its options.
struct ProvisionContext {
    let provisioner: ModelProvisioner
    let uploader: SavedModelUploader
    /// The local SavedModel, checked, when --saved-model names one.
    let savedModel: SavedModelFolder?
    let output: OutputFormat
    let redactor: HTTPRedactor
    let credential: any GoogleCredential

    init(
        configuration: ConfigurationOptions, model: ModelOptions, connection: GoogleConnectionOptions,
        logging: LoggingOptions, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws {
        let logger = logging.makeLogger(label: "model-provision")
        let settings = try model.settings(try configuration.load().google)
        let access = try GoogleModelAccess(
            settings: settings, accessToken: connection.accessToken, credentialsFile: connection.google.credentials,
            apiRoot: try connection.google.apiRoot(environment: environment),
            userAgent: ToolVersion.userAgent(tool: "model-provision"),
            waiter: GoogleOperationWaiter(
                initialInterval: try parseDuration(connection.pollInterval, flag: "--poll-interval"),
                timeout: try parseWaitTimeout(connection.waitTimeout, old: connection.oldTimeout)),
            environment: environment, logger: logger,
            progress: { line in FileHandle.standardError.write(Data((line + "\n").utf8)) })
        savedModel = try model.savedModel.map(SavedModelFolder.init(path:))
        let redactor = access.redactor
        provisioner = access.provisioner
        var uploader = access.uploader
        uploader.chunkSize = try connection.chunkSize()
        uploader.multipartLimit = min(uploader.multipartLimit, Int64(uploader.chunkSize))
        self.uploader = uploader
        output = connection.outputOptions.output
        self.redactor = redactor
        credential = access.credential
    }

    /// Where --saved-model goes: the deployment's `gs://` URI, already checked.
    var destination: StorageLocation? {
        StorageLocation(provisioner.deployment.savedModelURI)
    }

    /// The upload plan for --saved-model, or nil without it.
    func uploadPlan() async throws -> SavedModelUploadPlan? {
        guard let savedModel, let destination else { return nil }
        return try await uploader.plan(folder: savedModel, destination: destination, api: provisioner.deployment.api)
    }

    /// Uploads what the plan marks, with progress on standard error: a line redrawn in place on a terminal, a line
    /// per file otherwise.
    func upload(_ plan: SavedModelUploadPlan) async throws {
        for note in plan.notes { FileHandle.standardError.write(Data("warning: \(note)\n".utf8)) }
        guard !plan.uploads.isEmpty else { return }
        let terminal = isatty(FileHandle.standardError.fileDescriptor) == 1
        try await uploader.upload(plan) { progress in
            let percent = progress.totalBytes == 0 ? 100 : Int(progress.doneBytes * 100 / progress.totalBytes)
            let line = "uploading \(progress.file) (\(SavedModelUploadPlan.bytes(progress.fileBytes)) of "
                + "\(SavedModelUploadPlan.bytes(progress.fileSize))), \(percent)% of \(SavedModelUploadPlan.bytes(progress.totalBytes))"
            if terminal {
                FileHandle.standardError.write(Data("\r\u{1B}[K\(line)\(progress.fileFinished ? "\n" : "")".utf8))
            } else if progress.fileFinished {
                let done = "\(SavedModelUploadPlan.bytes(progress.doneBytes)) of \(SavedModelUploadPlan.bytes(progress.totalBytes))"
                FileHandle.standardError.write(
                    Data("uploaded \(progress.file) (\(SavedModelUploadPlan.bytes(progress.fileSize))); \(done) done\n".utf8))
            }
        }
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
