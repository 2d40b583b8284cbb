import Foundation
import HTTP
import Logging

/// Finds credentials in the order Google's own client libraries use:
/// 1. an explicit access token (`--access-token`, then `GOOGLE_OAUTH_ACCESS_TOKEN`);
/// 2. a service-account key file (`--credentials`, then `GOOGLE_APPLICATION_CREDENTIALS`);
/// 3. gcloud's application-default credentials (`$CLOUDSDK_CONFIG` or `~/.config/gcloud`,
///    `application_default_credentials.json`);
/// 4. the metadata server (`GCE_METADATA_HOST`, default `169.254.169.254`).
public enum GoogleCredentialChain {
    public static let accessTokenVariable = "GOOGLE_OAUTH_ACCESS_TOKEN"
    public static let credentialsVariable = "GOOGLE_APPLICATION_CREDENTIALS"
    public static let gcloudConfigVariable = "CLOUDSDK_CONFIG"
    public static let metadataHostVariable = "GCE_METADATA_HOST"

    public static func resolve(
        accessToken: String? = nil, credentialsFile: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        logger: Logger = Logger(label: "google.credentials")
    ) throws -> any GoogleCredential {
        if let accessToken, !accessToken.isEmpty {
            return GoogleStaticTokenCredential(token: accessToken, source: "--access-token")
        }
        if let token = environment[accessTokenVariable], !token.isEmpty {
            return GoogleStaticTokenCredential(token: token, source: accessTokenVariable)
        }
        if let credentialsFile, !credentialsFile.isEmpty {
            return try credential(fromFile: credentialsFile, origin: "--credentials")
        }
        if let path = environment[credentialsVariable], !path.isEmpty {
            return try credential(fromFile: path, origin: credentialsVariable)
        }
        let gcloudDirectory =
            environment[gcloudConfigVariable].flatMap { $0.isEmpty ? nil : $0 }
            ?? ((environment["HOME"] ?? NSHomeDirectory()) + "/.config/gcloud")
        let applicationDefault = gcloudDirectory + "/application_default_credentials.json"
        if FileManager.default.fileExists(atPath: applicationDefault) {
            return try credential(fromFile: applicationDefault, origin: "gcloud application-default login")
        }
        let host = environment[metadataHostVariable].flatMap { $0.isEmpty ? nil : $0 } ?? "169.254.169.254"
        return GoogleMetadataServerCredential(host: host, logger: logger)
    }

    /// A credentials file of either kind Google writes: a service-account key or an authorized user's.
    public static func credential(fromFile path: String, origin: String) throws -> any GoogleCredential {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw GoogleError(.credentials, "cannot read the credentials file \(path) (from \(origin))")
        }
        let type = (try? JSONSerialization.jsonObject(with: data) as? [String: Any])?["type"] as? String
        switch type {
        case "authorized_user":
            return try GoogleAuthorizedUserCredential(json: data, source: "file \(path)")
        case "service_account", nil:
            return try GoogleServiceAccountCredential(json: data, source: "key file \(path)")
        case let other?:
            throw GoogleError(
                .credentials,
                "\(path): credentials of type \"\(other)\" are not supported; use a service-account key, "
                    + "gcloud application-default credentials or --access-token")
        }
    }
}
