import Crypto
import Foundation
import HTTP
import Synchronization
import _CryptoExtras

/// A stand-in for Google's OAuth token endpoint, the metadata server, Vertex AI and ML Engine, on loopback.
///
/// Every API request is checked against the discovery documents in `shared/contracts/` (method, path, query,
/// body); a request that breaks the contract is answered 400 and recorded in `violations`. Tokens are issued only
/// for a JWT whose RS256 signature verifies with the service account's public key and whose claims are right,
/// or for the refresh token and metadata-server request the test set up. Resources live in memory; long-running
/// operations finish after `operationPolls` polls.
public final class GoogleContractServer: Sendable {
    public struct RecordedRequest: Sendable {
        /// The discovery method id, e.g. `aiplatform.projects.locations.models.upload`, or `token`.
        public let methodID: String
        public let httpMethod: String
        public let path: String
    }

    struct PendingOperation {
        var pollsLeft: Int
        var response: Data
        var error: Data?
        var completion: @Sendable (inout Store) -> Void
    }

    struct Store {
        var resources: [String: [String: ContractValue]] = [:]
        var operations: [String: PendingOperation] = [:]
        var finishedOperations: [String: Data] = [:]
        var issuedTokens: Set<String> = []
        var requests: [RecordedRequest] = []
        var violations: [String] = []
        var tokenRequests = 0
        var injectedStatuses: [Int] = []
        var failingMethods: Set<String> = []
        var deniedPermission = false
        var counter = 0
        var storage = StorageState()

        mutating func nextID() -> Int {
            counter += 1
            return counter
        }
    }

    public let serviceAccountEmail = "model-deployer@contract-project.iam.gserviceaccount.com"
    public let projectID = "contract-project"
    /// Vertex AI names every resource with the project number, whichever of id or number the call used.
    public let projectNumber = "123456789012"
    public let refreshToken = "1//contract-refresh-token-secret"
    public let operationPolls: Int
    private let privateKey: _RSA.Signing.PrivateKey
    let store = Mutex(Store())
    private let contracts: [GoogleDiscoveryContract]
    let storageContract: GoogleDiscoveryContract
    private let http: Mutex<EmbeddedHTTPServer?> = Mutex(nil)

    public static func start(operationPolls: Int = 2) async throws -> GoogleContractServer {
        let contract = try GoogleContractServer(operationPolls: operationPolls)
        let server = try await EmbeddedHTTPServer.start { [contract] request in await contract.handle(request) }
        contract.http.withLock { $0 = server }
        return contract
    }

    private init(operationPolls: Int) throws {
        self.operationPolls = operationPolls
        privateKey = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        // Vertex first: ML Engine's predict path (`projects/**:predict`) would also match Vertex's.
        contracts = [try .load("aiplatform.v1.trimmed.json"), try .load("ml.v1.json")]
        storageContract = try .load("storage.v1.json")
    }

    public var baseURL: String { http.withLock { $0?.baseURL ?? "" } }
    public var tokenURI: String { baseURL + "/token" }

    public func stop() async {
        let server = http.withLock { $0 }
        await server?.stop()
    }

    /// The PEM private key, for tests that check it never appears in output.
    public var privateKeyPEM: String { privateKey.pkcs8PEMRepresentation }

    /// A service-account key file as the Cloud console writes it, whose `token_uri` points here.
    public func serviceAccountKeyJSON() throws -> Data {
        try JSONSerialization.data(
            withJSONObject: [
                "type": "service_account", "project_id": projectID, "private_key_id": "0123456789abcdef",
                "private_key": privateKeyPEM, "client_email": serviceAccountEmail, "client_id": "1234567890",
                "auth_uri": "https://accounts.google.com/o/oauth2/auth", "token_uri": tokenURI,
            ], options: [.sortedKeys])
    }

    /// Writes the key file into `directory` and returns its path.
    public func writeServiceAccountKey(in directory: URL) throws -> String {
        let url = directory.appendingPathComponent("service-account.json")
        try serviceAccountKeyJSON().write(to: url)
        return url.path
    }

    /// gcloud's application-default credentials for an authorized user, token endpoint here.
    public func authorizedUserJSON() throws -> Data {
        try JSONSerialization.data(withJSONObject: [
            "type": "authorized_user", "client_id": "contract-client.apps.googleusercontent.com",
            "client_secret": "contract-client-secret", "refresh_token": refreshToken, "token_uri": tokenURI,
        ])
    }

    // MARK: What tests inspect and inject

    public var requests: [RecordedRequest] { store.withLock { $0.requests } }
    public var violations: [String] { store.withLock { $0.violations } }
    public var tokenRequests: Int { store.withLock { $0.tokenRequests } }
    /// Names of every resource that exists.
    public var resourceNames: [String] { store.withLock { $0.resources.keys.sorted() } }

    /// The next API requests are answered with these statuses (and `Retry-After: 0`), one each.
    public func injectStatuses(_ statuses: [Int]) { store.withLock { $0.injectedStatuses += statuses } }
    /// Operations started by this method (e.g. `ml.projects.models.versions.create`) end in an error.
    public func failOperations(of methodID: String) { store.withLock { _ = $0.failingMethods.insert(methodID) } }
    /// Every API call is refused with 403, as when the account lacks a role.
    public func denyPermission() { store.withLock { $0.deniedPermission = true } }

    public func requests(_ methodSuffix: String) -> [RecordedRequest] {
        requests.filter { $0.methodID.hasSuffix(methodSuffix) }
    }

    // MARK: Handling

    func handle(_ request: ServerRequest) async -> ServerResponse {
        switch request.path {
        case "/token":
            return issueToken(request)
        case "/computeMetadata/v1/instance/service-accounts/default/token":
            guard request.headers.value(named: "Metadata-Flavor") == "Google" else {
                return .text("Missing Metadata-Flavor:Google header.", status: 403)
            }
            return tokenResponse()
        case let path where path.hasPrefix("/storage/v1/") || path.hasPrefix("/upload/storage/v1/"):
            return storage(request)
        default:
            return api(request)
        }
    }

    /// Whether the request carries a token this server issued.
    func isAuthorized(_ request: ServerRequest, _ store: Store) -> Bool {
        let authorization = request.headers.value(named: "Authorization") ?? ""
        return authorization.hasPrefix("Bearer ") && store.issuedTokens.contains(String(authorization.dropFirst(7)))
    }

    /// Runs `body` with the store locked, after the checks every API call gets: recorded, authorized, permitted.
    func withCheckedStore(
        _ request: ServerRequest, path: String? = nil, methodID: String, problems: [String],
        _ body: (inout Store) -> ServerResponse
    ) -> ServerResponse {
        store.withLock { store -> ServerResponse in
            store.requests.append(RecordedRequest(methodID: methodID, httpMethod: request.method, path: path ?? request.path))
            guard problems.isEmpty else {
                store.violations += problems
                return Self.googleError(400, "INVALID_ARGUMENT", "contract violation: \(problems.joined(separator: "; "))")
            }
            guard isAuthorized(request, store) else {
                return Self.googleError(
                    401, "UNAUTHENTICATED", "Request had invalid authentication credentials. Expected OAuth 2 access token.")
            }
            if store.deniedPermission {
                return Self.googleError(403, "PERMISSION_DENIED", "Permission denied for \(methodID) on project \(projectID).")
            }
            return body(&store)
        }
    }

    private func tokenResponse() -> ServerResponse {
        let token = "ya29.contract-\(UUID().uuidString)"
        store.withLock { _ = $0.issuedTokens.insert(token) }
        return .jsonObject(["access_token": token, "expires_in": 3599, "token_type": "Bearer"])
    }

    private func issueToken(_ request: ServerRequest) -> ServerResponse {
        store.withLock { $0.tokenRequests += 1 }
        let form = Self.parseForm(request.body)
        func refuse(_ description: String) -> ServerResponse {
            .jsonObject(["error": "invalid_grant", "error_description": description], status: 400)
        }
        switch form["grant_type"] {
        case "urn:ietf:params:oauth:grant-type:jwt-bearer":
            guard let assertion = form["assertion"] else { return refuse("missing assertion") }
            if let problem = jwtProblem(assertion) { return refuse(problem) }
            return tokenResponse()
        case "refresh_token":
            guard form["refresh_token"] == refreshToken, form["client_secret"] == "contract-client-secret" else {
                return refuse("Bad Request")
            }
            return tokenResponse()
        default:
            return .jsonObject(["error": "unsupported_grant_type"], status: 400)
        }
    }

    /// Why the assertion is not acceptable, or nil when it is: RS256 over header.claims with the account's key,
    /// issuer, scope, audience (this token endpoint) and a lifetime of at most an hour around now.
    func jwtProblem(_ assertion: String) -> String? {
        let parts = assertion.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerData = Self.base64URL(parts[0]), let claimsData = Self.base64URL(parts[1]),
            let signatureData = Self.base64URL(parts[2]),
            let header = try? JSONSerialization.jsonObject(with: headerData) as? [String: Any],
            let claims = try? JSONSerialization.jsonObject(with: claimsData) as? [String: Any]
        else { return "Invalid JWT: malformed" }
        guard header["alg"] as? String == "RS256" else { return "Invalid JWT: alg must be RS256" }
        let signature = _RSA.Signing.RSASignature(rawRepresentation: signatureData)
        guard
            privateKey.publicKey.isValidSignature(
                signature, for: Data("\(parts[0]).\(parts[1])".utf8), padding: .insecurePKCS1v1_5)
        else { return "Invalid JWT Signature." }
        guard claims["iss"] as? String == serviceAccountEmail else { return "Invalid JWT: unknown issuer" }
        guard (claims["scope"] as? String ?? "").split(separator: " ").contains("https://www.googleapis.com/auth/cloud-platform")
        else { return "Invalid JWT: scope must include cloud-platform" }
        guard claims["aud"] as? String == tokenURI else { return "Invalid JWT: aud must be \(tokenURI)" }
        let now = Date().timeIntervalSince1970
        guard let issuedAt = (claims["iat"] as? NSNumber)?.doubleValue, let expires = (claims["exp"] as? NSNumber)?.doubleValue,
            issuedAt <= now + 60, expires > now, expires - issuedAt <= 3600
        else { return "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe." }
        return nil
    }

    static func base64URL(_ text: Substring) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }

    static func parseForm(_ body: Data) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in String(decoding: body, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0)
            }
            if parts.count == 2 { fields[parts[0]] = parts[1] }
        }
        return fields
    }

    static func googleError(_ status: Int, _ code: String, _ message: String) -> ServerResponse {
        .jsonObject(["error": ["code": status, "message": message, "status": code]], status: status)
    }

    /// A Vertex resource name as Vertex writes it: `projects/{number}/locations/…`. ML Engine keeps the id.
    func canonical(_ name: String) -> String {
        guard name.contains("/locations/") else { return name }
        return name.replacingOccurrences(of: "projects/\(projectID)/", with: "projects/\(projectNumber)/")
    }

    private func api(_ request: ServerRequest) -> ServerResponse {
        let path = canonical(request.path)
        guard let match = contracts.lazy.compactMap({ $0.match(method: request.method, path: path) }).first
        else {
            store.withLock { $0.violations.append("\(request.method) \(request.path): no such method in the contract") }
            return Self.googleError(404, "NOT_FOUND", "no method for \(request.method) \(request.path)")
        }
        let problems = contracts.first { $0.methods.contains { $0.id == match.method.id } }!
            .violations(of: match, query: request.query, body: request.body)
        return withCheckedStore(request, path: path, methodID: match.method.id, problems: problems) { store in
            if !store.injectedStatuses.isEmpty {
                let status = store.injectedStatuses.removeFirst()
                var response = Self.googleError(status, status == 429 ? "RESOURCE_EXHAUSTED" : "UNAVAILABLE", "injected")
                response.headers.append(HTTPHeader("Retry-After", "0"))
                return response
            }
            let body = (try? JSONDecoder().decode(ContractValue.self, from: request.body)) ?? .null
            return GoogleContractBehaviour(server: self, match: match, query: request.query, body: body).respond(&store)
        }
    }

    /// Registers an operation that completes after `operationPolls` polls, then applies `completion`.
    func startOperation(
        _ store: inout Store, parent: String, methodID: String, response: ContractValue,
        completion: @escaping @Sendable (inout Store) -> Void
    ) -> ServerResponse {
        let name = "\(parent)/operations/\(1000 + store.nextID())"
        var operation = PendingOperation(
            pollsLeft: operationPolls, response: response.data, error: nil, completion: completion)
        if store.failingMethods.contains(methodID) {
            let detail: ContractValue = .object([
                "@type": .string("type.googleapis.com/google.rpc.DebugInfo"),
                "detail": .string("saved_model.pb not found under the artifact URI"),
            ])
            let error: ContractValue = .object([
                "code": .number(9),
                "message": .string(
                    "Model server never became ready. Please validate that your model file or container configuration are valid."),
                "details": .array([detail]),
            ])
            operation.error = error.data
            operation.completion = { _ in }
        }
        store.operations[name] = operation
        return .jsonObject(["name": name, "done": false, "metadata": ["@type": "type.googleapis.com/google.cloud.aiplatform.v1.GenericOperationMetadata"]])
    }

    func pollOperation(_ store: inout Store, name: String) -> ServerResponse {
        if let finished = store.finishedOperations[name] {
            return ServerResponse(status: 200, headers: [HTTPHeader("Content-Type", "application/json")], body: finished)
        }
        guard var operation = store.operations[name] else { return Self.googleError(404, "NOT_FOUND", "operation \(name)") }
        operation.pollsLeft -= 1
        guard operation.pollsLeft <= 0 else {
            store.operations[name] = operation
            return .jsonObject(["name": name, "done": false])
        }
        store.operations[name] = nil
        operation.completion(&store)
        var object: [String: ContractValue] = ["name": .string(name), "done": .bool(true)]
        if let error = operation.error {
            object["error"] = try? JSONDecoder().decode(ContractValue.self, from: error)
        } else {
            object["response"] = try? JSONDecoder().decode(ContractValue.self, from: operation.response)
        }
        let data = ContractValue.object(object).data
        store.finishedOperations[name] = data
        return ServerResponse(status: 200, headers: [HTTPHeader("Content-Type", "application/json")], body: data)
    }
}
