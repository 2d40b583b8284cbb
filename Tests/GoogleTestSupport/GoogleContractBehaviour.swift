import Foundation
import HTTP

/// What each contract method does to the server's resources: realistic answers, `NOT_FOUND`, `ALREADY_EXISTS`
/// and `FAILED_PRECONDITION` where Google gives them, and operations for the methods that return one.
struct GoogleContractBehaviour {
    let server: GoogleContractServer
    let match: GoogleDiscoveryContract.Match
    let query: [String: String]
    let body: ContractValue

    typealias Store = GoogleContractServer.Store
    typealias Resource = [String: ContractValue]

    private var method: String { match.method.id }
    private func parameter(_ name: String) -> String { match.parameters[name] ?? "" }

    private static func notFound(_ name: String) -> ServerResponse {
        GoogleContractServer.googleError(404, "NOT_FOUND", "\(name) not found.")
    }

    private static func json(_ resource: Resource) -> ServerResponse {
        ServerResponse(
            status: 200, headers: [HTTPHeader("Content-Type", "application/json")], body: ContractValue.object(resource).data)
    }

    private static let createTime = ContractValue.string("2026-11-24T12:00:00.000000Z")

    func respond(_ store: inout Store) -> ServerResponse {
        switch method {
        case "aiplatform.projects.locations.operations.get", "ml.projects.operations.get":
            return server.pollOperation(&store, name: parameter("name"))
        case "aiplatform.projects.locations.models.get", "aiplatform.projects.locations.endpoints.get",
            "ml.projects.models.versions.get":
            guard let resource = store.resources[parameter("name")] else { return Self.notFound(parameter("name")) }
            return Self.json(decorated(resource, name: parameter("name"), store: store))
        case "ml.projects.models.get":
            guard var model = store.resources[parameter("name")] else { return Self.notFound(parameter("name")) }
            model["defaultVersion"] = versions(of: parameter("name"), store).first { $0["isDefault"] == .bool(true) }.map(ContractValue.object)
            return Self.json(model)
        case "aiplatform.projects.locations.models.upload": return uploadModel(&store)
        case "aiplatform.projects.locations.endpoints.create": return createEndpoint(&store)
        case "aiplatform.projects.locations.endpoints.deployModel": return deployModel(&store)
        case "aiplatform.projects.locations.endpoints.undeployModel": return undeployModel(&store)
        case "aiplatform.projects.locations.endpoints.predict", "ml.projects.predict": return predict(store)
        case "aiplatform.projects.locations.models.delete", "aiplatform.projects.locations.endpoints.delete",
            "ml.projects.models.versions.delete", "ml.projects.models.delete":
            return delete(&store)
        case "ml.projects.models.create": return createMLModel(&store)
        case "ml.projects.models.versions.create": return createVersion(&store)
        case "ml.projects.models.versions.list":
            guard store.resources[parameter("parent")] != nil else { return Self.notFound(parameter("parent")) }
            let list = versions(of: parameter("parent"), store)
            // Google leaves out empty lists.
            return Self.json(list.isEmpty ? [:] : ["versions": .array(list.map(ContractValue.object))])
        case "ml.projects.models.versions.setDefault":
            let name = parameter("name")
            guard store.resources[name] != nil else { return Self.notFound(name) }
            let model = name.components(separatedBy: "/versions/")[0]
            for version in versions(of: model, store) {
                if let versionName = version["name"]?.string { store.resources[versionName]?["isDefault"] = .bool(versionName == name) }
            }
            return Self.json(store.resources[name] ?? [:])
        default:
            return GoogleContractServer.googleError(501, "UNIMPLEMENTED", "\(method) is not simulated")
        }
    }

    /// Vertex models list where they are deployed, as the real API does.
    private func decorated(_ resource: Resource, name: String, store: Store) -> Resource {
        guard name.contains("/models/"), !name.contains("/versions/") else { return resource }
        var model = resource
        let references: [ContractValue] = store.resources.filter { $0.key.contains("/endpoints/") }.sorted { $0.key < $1.key }
            .flatMap { endpoint, value in
                (value["deployedModels"]?.array ?? []).filter { $0["model"]?.string == name }.map { deployed in
                    ContractValue.object(["endpoint": .string(endpoint), "deployedModelId": deployed["id"] ?? .null])
                }
            }
        if !references.isEmpty { model["deployedModels"] = .array(references) }
        return model
    }

    private func versions(of model: String, _ store: Store) -> [Resource] {
        store.resources.filter { $0.key.hasPrefix(model + "/versions/") }.sorted { $0.key < $1.key }.map(\.value)
    }

    private func uploadModel(_ store: inout Store) -> ServerResponse {
        let parent = parameter("parent")
        let id = body["modelId"]?.string ?? "\(store.nextID())"
        let name = "\(parent)/models/\(id)"
        guard store.resources[name] == nil else {
            return GoogleContractServer.googleError(409, "ALREADY_EXISTS", "Model \(name) already exists.")
        }
        var model = body["model"]?.object ?? [:]
        model["name"] = .string(name)
        model["versionId"] = .string("1")
        model["createTime"] = Self.createTime
        return server.startOperation(
            &store, parent: parent, methodID: method,
            response: .object([
                "@type": .string("type.googleapis.com/google.cloud.aiplatform.v1.UploadModelResponse"),
                "model": .string(name), "modelVersionId": .string("1"),
            ])
        ) { [model] store in store.resources[name] = model }
    }

    private func createEndpoint(_ store: inout Store) -> ServerResponse {
        let parent = parameter("parent")
        let name = "\(parent)/endpoints/\(query["endpointId"] ?? "\(store.nextID())")"
        guard store.resources[name] == nil else {
            return GoogleContractServer.googleError(409, "ALREADY_EXISTS", "Endpoint \(name) already exists.")
        }
        var endpoint = body.object
        endpoint["name"] = .string(name)
        endpoint["createTime"] = Self.createTime
        return server.startOperation(&store, parent: parent, methodID: method, response: .object(endpoint)) {
            [endpoint] store in store.resources[name] = endpoint
        }
    }

    private func deployModel(_ store: inout Store) -> ServerResponse {
        let endpointName = parameter("endpoint")
        guard store.resources[endpointName] != nil else { return Self.notFound(endpointName) }
        var deployed = body["deployedModel"]?.object ?? [:]
        let model = server.canonical(deployed["model"]?.string ?? "")
        deployed["model"] = .string(model)
        guard store.resources[model] != nil else {
            return GoogleContractServer.googleError(400, "FAILED_PRECONDITION", "Model \(model) does not exist.")
        }
        let id = String(4_000_000_000 + store.nextID())
        deployed["id"] = .string(id)
        deployed["createTime"] = Self.createTime
        let parent = endpointName.components(separatedBy: "/endpoints/")[0]
        return server.startOperation(
            &store, parent: parent, methodID: method, response: .object(["deployedModel": .object(["id": .string(id)])])
        ) { [deployed] store in
            var endpoint = store.resources[endpointName] ?? [:]
            endpoint["deployedModels"] = .array((endpoint["deployedModels"]?.array ?? []) + [.object(deployed)])
            endpoint["trafficSplit"] = .object([id: .number(100)])
            store.resources[endpointName] = endpoint
        }
    }

    private func undeployModel(_ store: inout Store) -> ServerResponse {
        let endpointName = parameter("endpoint")
        let id = body["deployedModelId"]?.string ?? ""
        guard let endpoint = store.resources[endpointName] else { return Self.notFound(endpointName) }
        guard (endpoint["deployedModels"]?.array ?? []).contains(where: { $0["id"]?.string == id }) else {
            return GoogleContractServer.googleError(400, "FAILED_PRECONDITION", "No DeployedModel \(id) on \(endpointName).")
        }
        let parent = endpointName.components(separatedBy: "/endpoints/")[0]
        return server.startOperation(&store, parent: parent, methodID: method, response: .object([:])) { store in
            var endpoint = store.resources[endpointName] ?? [:]
            endpoint["deployedModels"] = .array((endpoint["deployedModels"]?.array ?? []).filter { $0["id"]?.string != id })
            endpoint["trafficSplit"] = .object((endpoint["trafficSplit"]?.object ?? [:]).filter { $0.key != id })
            store.resources[endpointName] = endpoint
        }
    }

    /// Refuses what Google refuses: a deployed model, an endpoint with deployments, the default version while
    /// others remain, a model with versions.
    private func delete(_ store: inout Store) -> ServerResponse {
        let name = parameter("name")
        guard let resource = store.resources[name] else { return Self.notFound(name) }
        let refusal: String?
        switch method {
        case "aiplatform.projects.locations.endpoints.delete":
            refusal = (resource["deployedModels"]?.array ?? []).isEmpty ? nil : "Endpoint still has deployed models."
        case "aiplatform.projects.locations.models.delete":
            refusal = decorated(resource, name: name, store: store)["deployedModels"] == nil ? nil : "Model is deployed."
        case "ml.projects.models.versions.delete":
            let model = name.components(separatedBy: "/versions/")[0]
            refusal = resource["isDefault"] == .bool(true) && versions(of: model, store).count > 1
                ? "Cannot delete the default version while other versions exist." : nil
        default:
            refusal = versions(of: name, store).isEmpty ? nil : "Model has versions; delete them first."
        }
        if let refusal { return GoogleContractServer.googleError(400, "FAILED_PRECONDITION", refusal) }
        let parent = name.hasPrefix("projects/") && name.contains("/locations/")
            ? name.components(separatedBy: "/").prefix(4).joined(separator: "/")
            : name.components(separatedBy: "/").prefix(2).joined(separator: "/")
        return server.startOperation(&store, parent: parent, methodID: method, response: .object([:])) { store in
            store.resources[name] = nil
        }
    }

    private func createMLModel(_ store: inout Store) -> ServerResponse {
        let name = "\(parameter("parent"))/models/\(body["name"]?.string ?? "")"
        guard store.resources[name] == nil else {
            return GoogleContractServer.googleError(409, "ALREADY_EXISTS", "Field: model.name Error: A model with the same name already exists.")
        }
        var model = body.object
        model["name"] = .string(name)
        model["etag"] = .string("contract-etag")
        store.resources[name] = model
        return Self.json(model)
    }

    private func createVersion(_ store: inout Store) -> ServerResponse {
        let modelName = parameter("parent")
        guard store.resources[modelName] != nil else { return Self.notFound(modelName) }
        let name = "\(modelName)/versions/\(body["name"]?.string ?? "")"
        guard store.resources[name] == nil else {
            return GoogleContractServer.googleError(409, "ALREADY_EXISTS", "Version \(name) already exists.")
        }
        var version = body.object
        version["name"] = .string(name)
        version["state"] = .string("READY")
        version["createTime"] = Self.createTime
        let first = versions(of: modelName, store).isEmpty
        return server.startOperation(&store, parent: "projects/\(server.projectID)", methodID: method, response: .object(version)) {
            [version] store in
            var created = version
            // ML Engine makes a model's first version its default.
            created["isDefault"] = .bool(first)
            store.resources[name] = created
        }
    }

    /// Decodes each instance's `{"b64": ...}` and answers with a made-up class for it.
    private func predict(_ store: Store) -> ServerResponse {
        let target = match.parameters["endpoint"] ?? parameter("name")
        guard let resource = store.resources[target] else { return Self.notFound(target) }
        if target.contains("/endpoints/"), (resource["deployedModels"]?.array ?? []).isEmpty {
            return GoogleContractServer.googleError(400, "FAILED_PRECONDITION", "No model is deployed on \(target).")
        }
        let instances = body["instances"]?.array ?? []
        guard !instances.isEmpty else {
            return GoogleContractServer.googleError(400, "INVALID_ARGUMENT", "instances must not be empty")
        }
        var predictions: [ContractValue] = []
        for instance in instances {
            guard let encoded = instance.object.values.first?["b64"]?.string, let bytes = Data(base64Encoded: encoded) else {
                return GoogleContractServer.googleError(400, "INVALID_ARGUMENT", "each instance needs {\"<input>\": {\"b64\": ...}}")
            }
            predictions.append(.object([
                "classes": .array([.string("tabby"), .string("tiger_cat")]),
                "scores": .array([.number(0.75), .number(0.25)]), "input_bytes": .number(Double(bytes.count)),
            ]))
        }
        return Self.json(["predictions": .array(predictions), "deployedModelId": resource["deployedModels"]?.array.first?["id"] ?? .null])
    }
}
