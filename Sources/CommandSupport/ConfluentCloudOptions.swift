import ArgumentParser
import Confluent
import Foundation
import HTTP
import Logging

/// The Confluent Cloud environment and API root, shared by topic-provision and cluster-provision. The Cloud API key
/// comes from `$CONFLUENT_CLOUD_API_KEY` and `$CONFLUENT_CLOUD_API_SECRET`, as Confluent's CLI and Terraform provider
/// name them.
public struct ConfluentCloudOptions: ParsableArguments {
    public static let cloudKeyVariable = "CONFLUENT_CLOUD_API_KEY"
    public static let cloudSecretVariable = "CONFLUENT_CLOUD_API_SECRET"
    public static let environmentVariable = "CONFLUENT_ENVIRONMENT_ID"

    @Option(help: ArgumentHelp(
        "The Confluent Cloud environment, env-…. Default: $\(environmentVariable), then kafka.environment.",
        valueName: "id"))
    public var environment: String?

    @Option(help: ArgumentHelp("The Confluent Cloud API root.", valueName: "url"))
    public var cloudAPIRoot = ConfluentCloudClient.defaultAPIRoot

    public init() {}

    /// The HTTP client a tool calls Confluent with: the secrets `redactor` knows kept out of its log (label `http`,
    /// at `logLevel`), and the tool's User-Agent.
    public static func httpClient(tool: String, redactor: HTTPRedactor, logLevel: Logger.Level)
        -> (client: HTTPClient, logger: Logger)
    {
        var configuration = HTTPClientConfiguration()
        configuration.redactor = redactor
        configuration.userAgent = ToolVersion.userAgent(tool: tool)
        var logger = Logger(label: "http")
        logger.logLevel = logLevel
        return (HTTPClient(configuration: configuration, logger: logger), logger)
    }

    /// The Cloud API key from the environment, or nil when neither variable is set.
    public func cloudCredentials(
        environment variables: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> ConfluentCredentials? {
        try ConfluentCredentials.fromEnvironment(
            Self.cloudKeyVariable, Self.cloudSecretVariable, variables, purpose: "a Cloud API key")
    }

    /// The flag, the variable, then the configuration's `kafka.environment`.
    public func environmentID(
        configured: String?, environment variables: [String: String] = ProcessInfo.processInfo.environment
    ) -> String? {
        [environment, variables[Self.environmentVariable], configured].compactMap { $0 }.first { !$0.isEmpty }
    }
}
