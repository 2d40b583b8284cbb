import ArgumentParser
import Foundation

/// How model-provision and inference-app reach Google: the service-account key (`--credentials`, else Google's own
/// chain) and the API root (`--google-api-root`, or `$PIPELINE_GOOGLE_API_ROOT`), which sends Google's REST calls
/// to another host instead of Google's regional ones, for private endpoints and local test servers.
public struct GoogleAccessOptions: ParsableArguments {
    public static let apiRootVariable = "PIPELINE_GOOGLE_API_ROOT"
    /// The variable's name before issue 15, still read (with a warning).
    public static let oldAPIRootVariable = "MODEL_PROVISION_API_ROOT"

    @Option(help: ArgumentHelp(
        "A service-account key file. Default: $GOOGLE_APPLICATION_CREDENTIALS, then gcloud's application-default "
            + "credentials, then the metadata server.", valueName: "file"))
    public var credentials: String?

    @Option(help: ArgumentHelp(
        "Send Google API calls to this root instead of Google's regional host (private endpoints, local test "
            + "servers). Default: $\(apiRootVariable).", valueName: "url"))
    public var googleAPIRoot: String?

    @Option(name: .customLong("api-root"), help: .hidden)
    var oldAPIRoot: String?

    public init() {}

    /// The API root to use, or nil for Google's own hosts.
    public func apiRoot(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String? {
        let (flag, _) = try Deprecation.option(googleAPIRoot, "--google-api-root", old: oldAPIRoot, "--api-root")
        return flag ?? Deprecation.variable(Self.apiRootVariable, old: Self.oldAPIRootVariable, in: environment)
    }
}
