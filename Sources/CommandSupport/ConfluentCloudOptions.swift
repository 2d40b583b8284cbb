import ArgumentParser
import Confluent
import Foundation

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
