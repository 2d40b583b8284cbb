import ArgumentParser
import Foundation

/// `--google-api-root` (or `$PIPELINE_GOOGLE_API_ROOT`): Google's REST calls go to this root instead of Google's
/// regional hosts, for private endpoints and local test servers. model-provision and inference-app take it.
public struct GoogleAPIRootOptions: ParsableArguments {
    public static let variable = "PIPELINE_GOOGLE_API_ROOT"
    /// The variable's name before issue 15, still read (with a warning).
    public static let oldVariable = "MODEL_PROVISION_API_ROOT"

    @Option(help: ArgumentHelp(
        "Send Google API calls to this root instead of Google's regional host (private endpoints, local test "
            + "servers). Default: $\(variable).", valueName: "url"))
    public var googleAPIRoot: String?

    @Option(name: .customLong("api-root"), help: .hidden)
    var oldAPIRoot: String?

    public init() {}

    /// The root to use, or nil for Google's own hosts.
    public func resolved(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String? {
        let (flag, _) = try Deprecation.option(googleAPIRoot, "--google-api-root", old: oldAPIRoot, "--api-root")
        return flag ?? Deprecation.variable(Self.variable, old: Self.oldVariable, in: environment)
    }
}
