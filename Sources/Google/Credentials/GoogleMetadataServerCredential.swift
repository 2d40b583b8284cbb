import Foundation
import HTTP
import Logging

/// The service account of the GCE VM, GKE pod (workload identity) or Cloud Run service this runs on, from the
/// metadata server.
public struct GoogleMetadataServerCredential: GoogleCredential {
    /// `169.254.169.254`, or `GCE_METADATA_HOST` (host or host:port), as Google's libraries honour it.
    public let host: String
    public let projectID: String? = nil
    /// Plain HTTP is how the metadata server speaks; it is link-local, never routed off the machine. It answers
    /// at once or not at all, so waits are short.
    private let metadataHTTP: HTTPClient

    public init(host: String, logger: Logger = Logger(label: "google.metadata")) {
        self.host = host
        var configuration = HTTPClientConfiguration()
        configuration.allowsPlainHTTPToAnyHost = true
        configuration.connectTimeout = .seconds(2)
        configuration.retry = RetryPolicy(maxAttempts: 2)
        metadataHTTP = HTTPClient(configuration: configuration, logger: logger)
    }

    public var description: String { "the metadata server's default service account (\(host))" }

    public func fetchToken(using http: HTTPClient) async throws -> GoogleAccessToken {
        let url = "http://\(host)/computeMetadata/v1/instance/service-accounts/default/token"
        let request = HTTPRequest(.get, url, headers: [HTTPHeader("Metadata-Flavor", "Google")], timeout: .seconds(5))
        let response: HTTPResponse
        do {
            response = try await metadataHTTP.send(request)
        } catch let error as HTTPClientError {
            throw GoogleError(
                .credentials,
                "no Google credentials found: pass --credentials or set GOOGLE_APPLICATION_CREDENTIALS to a service-account "
                    + "key file, run `gcloud auth application-default login`, or run on Google Cloud "
                    + "(the metadata server at \(host) did not answer: \(error.reason))")
        }
        return try GoogleTokenResponse.token(from: response, credential: self)
    }
}
