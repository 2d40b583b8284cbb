import Foundation
import HTTP
import Logging
import PipelineConfig

/// The way to a deployed model: the credential found by Google's chain, the project, and a `ModelProvisioner`
/// whose HTTP client masks every secret. `model-provision` and `inference-app` build it the same way.
public struct GoogleModelAccess: Sendable {
    public static let projectVariable = "GOOGLE_CLOUD_PROJECT"

    public let provisioner: ModelProvisioner
    /// Puts a local SavedModel into Cloud Storage with the same credential.
    public let uploader: SavedModelUploader
    public let credential: any GoogleCredential
    public let redactor: HTTPRedactor

    /// Resolves the credential (`accessToken`, then `$GOOGLE_OAUTH_ACCESS_TOKEN`, `credentialsFile`,
    /// `$GOOGLE_APPLICATION_CREDENTIALS`, gcloud's application-default credentials, the metadata server) and the
    /// project (`settings.project`, then `$GOOGLE_CLOUD_PROJECT`, then the key file's `project_id`).
    /// Bad settings throw `GoogleError` with code `.invalidInput`. Progress lines reach `progress` with secrets masked.
    public init(
        settings: GoogleSettings, accessToken: String?, credentialsFile: String?, apiRoot: String?,
        userAgent: String, requestTimeout: Duration? = nil, waiter: GoogleOperationWaiter = GoogleOperationWaiter(),
        environment: [String: String] = ProcessInfo.processInfo.environment, logger: Logger,
        progress: @escaping @Sendable (String) -> Void = { _ in }
    ) throws {
        var redactor = HTTPRedactor()
        if let token = accessToken ?? environment[GoogleCredentialChain.accessTokenVariable] {
            redactor.addSecret(token)
        }
        let credential = try GoogleCredentialChain.resolve(
            accessToken: accessToken, credentialsFile: credentialsFile, environment: environment, logger: logger)
        let project = [settings.project, environment[Self.projectVariable], credential.projectID]
            .compactMap { $0 }.first { !$0.isEmpty }
        guard let project else {
            throw GoogleError(
                .invalidInput,
                "Please name the Google Cloud project: --project, google.project in the configuration, "
                    + "or $\(Self.projectVariable).")
        }
        let deployment = ModelDeployment(settings: settings, project: project)
        try deployment.validate()
        var httpConfiguration = HTTPClientConfiguration()
        httpConfiguration.redactor = redactor
        httpConfiguration.userAgent = userAgent
        if let requestTimeout { httpConfiguration.timeout = requestTimeout }
        let http = HTTPClient(configuration: httpConfiguration, logger: logger)
        // `apiRoot` comes resolved from the command layer (`--google-api-root`, then its variable), so that a
        // deprecated spelling is warned about in one place.
        let root = apiRoot.flatMap { $0.isEmpty ? nil : $0 }
        if let root {
            do {
                try HTTPClient.checkURL(root, allowsPlainHTTPToAnyHost: false)
            } catch {
                throw GoogleError(.invalidInput, "--google-api-root: \(error)")
            }
        }
        provisioner = ModelProvisioner(
            deployment: deployment,
            client: GoogleRESTClient(http: http, authorizer: GoogleAuthorizer(credential: credential, http: http)),
            apiRoot: root, waiter: waiter, progress: { [redactor] line in progress(redactor.redact(line)) })
        uploader = SavedModelUploader(client: provisioner.client, storage: StorageAPI(root: root), logger: logger)
        self.credential = credential
        self.redactor = redactor
    }
}
