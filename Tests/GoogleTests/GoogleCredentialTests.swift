import Failure
import Foundation
import GoogleTestSupport
import HTTP
import TestSupport
import Testing
import _CryptoExtras

@testable import Google

@Suite(.timeLimit(.minutes(2)))
struct GoogleCredentialTests {
    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("google-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test func chainFollowsGooglesOrder() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let keyPath = directory.appendingPathComponent("key.json").path
        try JSONSerialization.data(withJSONObject: [
            "type": "service_account", "client_email": "sa@p.iam.gserviceaccount.com", "project_id": "key-project",
            "private_key": key.pkcs8PEMRepresentation, "token_uri": "https://oauth2.googleapis.com/token",
        ]).write(to: URL(fileURLWithPath: keyPath))
        let gcloud = directory.appendingPathComponent("gcloud")
        try FileManager.default.createDirectory(at: gcloud, withIntermediateDirectories: true)
        try JSONSerialization.data(withJSONObject: [
            "type": "authorized_user", "client_id": "c", "client_secret": "s", "refresh_token": "r",
        ]).write(to: gcloud.appendingPathComponent("application_default_credentials.json"))
        let everything = [
            "GOOGLE_OAUTH_ACCESS_TOKEN": "ya29.env", "GOOGLE_APPLICATION_CREDENTIALS": keyPath,
            "CLOUDSDK_CONFIG": gcloud.path, "GCE_METADATA_HOST": "127.0.0.1:1",
        ]

        #expect(try GoogleCredentialChain.resolve(accessToken: "ya29.flag", environment: everything).description
            == "the access token from --access-token")
        #expect(try GoogleCredentialChain.resolve(environment: everything).description
            == "the access token from GOOGLE_OAUTH_ACCESS_TOKEN")
        var withoutToken = everything
        withoutToken["GOOGLE_OAUTH_ACCESS_TOKEN"] = nil
        let serviceAccount = try GoogleCredentialChain.resolve(environment: withoutToken)
        #expect(serviceAccount.description == "service account sa@p.iam.gserviceaccount.com from key file \(keyPath)")
        #expect(serviceAccount.projectID == "key-project")
        withoutToken["GOOGLE_APPLICATION_CREDENTIALS"] = nil
        #expect(try GoogleCredentialChain.resolve(environment: withoutToken).description.hasPrefix(
            "gcloud application-default credentials (authorized user)"))
        withoutToken["CLOUDSDK_CONFIG"] = directory.appendingPathComponent("nowhere").path
        #expect(try GoogleCredentialChain.resolve(environment: withoutToken).description
            == "the metadata server's default service account (127.0.0.1:1)")
    }

    @Test func malformedKeyFilesSayWhatIsWrongWithoutTheKey() throws {
        let broken = Data(#"{"type": "service_account", "client_email": "a@b", "private_key": "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"}"#.utf8)
        #expect(throws: GoogleError(.credentials, "key file k.json: \"private_key\" is not a PEM RSA private key")) {
            try GoogleServiceAccountCredential(json: broken, source: "key file k.json")
        }
        #expect(throws: GoogleError(.credentials, "key file k.json: service-account key file has no \"client_email\"")) {
            try GoogleServiceAccountCredential(json: Data(#"{"type": "service_account"}"#.utf8), source: "key file k.json")
        }
        #expect(throws: GoogleError(.credentials, "key file k.json: not a JSON service-account key file")) {
            try GoogleServiceAccountCredential(json: Data("nope".utf8), source: "key file k.json")
        }
    }

    @Test func serviceAccountTokenIsExchangedOnceAndCached() async throws {
        let server = try await GoogleContractServer.start()
        let credential = try GoogleServiceAccountCredential(json: server.serviceAccountKeyJSON(), source: "key file test")
        let authorizer = GoogleAuthorizer(credential: credential, http: HTTPClient())
        let first = try await authorizer.token()
        let second = try await authorizer.token()
        #expect(first.value == second.value)
        #expect(first.value.hasPrefix("ya29."))
        #expect(server.tokenRequests == 1)
        #expect(!"\(first)".contains(first.value))
        // Shortly before expiry the token is replaced.
        _ = try await authorizer.token(now: first.expiresAt.addingTimeInterval(-60))
        #expect(server.tokenRequests == 2)
        await server.stop()
    }

    @Test func theServerRefusesAJWTSignedWithAnotherKey() async throws {
        let server = try await GoogleContractServer.start()
        var key = try JSONSerialization.jsonObject(with: server.serviceAccountKeyJSON()) as? [String: Any] ?? [:]
        key["private_key"] = try _RSA.Signing.PrivateKey(keySize: .bits2048).pkcs8PEMRepresentation
        let impostor = try GoogleServiceAccountCredential(
            json: JSONSerialization.data(withJSONObject: key), source: "key file stolen.json")
        let error = await #expect(throws: GoogleError.self) { try await impostor.fetchToken(using: HTTPClient()) }
        #expect(error?.reason == "service account \(server.serviceAccountEmail) from key file stolen.json was refused a token "
            + "(HTTP 400): invalid_grant: Invalid JWT Signature.")
        #expect(error?.code == .credentials)
        #expect(error?.failureKind == .systemic, "a refused key stops every call alike, though OAuth answers 400")
        await server.stop()
    }

    @Test func applicationDefaultAndMetadataServerCredentialsGetTokens() async throws {
        let server = try await GoogleContractServer.start()
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try server.authorizedUserJSON().write(to: directory.appendingPathComponent("application_default_credentials.json"))
        let user = try GoogleCredentialChain.resolve(environment: ["CLOUDSDK_CONFIG": directory.path])
        #expect(try await user.fetchToken(using: HTTPClient()).value.hasPrefix("ya29."))

        let host = server.baseURL.replacingOccurrences(of: "http://", with: "")
        let metadata = try GoogleCredentialChain.resolve(
            environment: ["CLOUDSDK_CONFIG": directory.appendingPathComponent("none").path, "GCE_METADATA_HOST": host])
        #expect(try await metadata.fetchToken(using: HTTPClient()).value.hasPrefix("ya29."))
        await server.stop()
    }

    @Test func noCredentialsAtAllExplainsWhatToDo() async throws {
        let metadata = GoogleMetadataServerCredential(host: "127.0.0.1:\(unusedLoopbackPort())")
        let error = await #expect(throws: GoogleError.self) { try await metadata.fetchToken(using: HTTPClient()) }
        #expect(error?.reason.hasPrefix("no Google credentials found: pass --credentials or set GOOGLE_APPLICATION_CREDENTIALS") == true)
    }
}
