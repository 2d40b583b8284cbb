import Foundation
import HTTP
import PipelineConfig

/// Makes a SavedModel in Cloud Storage servable on Vertex AI or ML Engine, idempotently: it reads what exists,
/// plans only what is missing, and runs the plan waiting for every long-running operation.
public struct ModelProvisioner: Sendable {
    public let deployment: ModelDeployment
    public let client: GoogleRESTClient
    public let waiter: GoogleOperationWaiter
    public let vertex: VertexAPI
    public let mlEngine: MLEngineAPI
    /// Hears progress lines ("waiting for operation ..."), for standard error.
    public let progress: @Sendable (String) -> Void

    public init(
        deployment: ModelDeployment, client: GoogleRESTClient, apiRoot: String? = nil,
        waiter: GoogleOperationWaiter = GoogleOperationWaiter(), progress: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.deployment = deployment
        self.client = client
        self.waiter = waiter
        self.progress = progress
        vertex = VertexAPI(project: deployment.project, region: deployment.region, root: apiRoot)
        mlEngine = MLEngineAPI(project: deployment.project, region: deployment.region, root: apiRoot)
    }

    var vertexModelName: String { vertex.modelName(deployment.modelName) }
    var vertexEndpointName: String { vertex.endpointName(deployment.endpointName) }
    var mlModelName: String { mlEngine.modelName(deployment.mlEngineModelID) }
    var mlVersionName: String { mlEngine.versionName(model: deployment.mlEngineModelID, version: deployment.version) }

    // MARK: Reading what exists

    struct VertexState {
        var model: VertexModel?
        var endpoint: VertexEndpoint?

        func deployments(of model: String) -> [VertexDeployedModel] {
            (endpoint?.deployedModels ?? []).filter { VertexAPI.sameResource($0.model, model) }
        }

        /// Endpoints other than `endpoint` where the model is deployed, as Vertex names them.
        func otherEndpoints(than endpoint: String) -> [String] {
            (model?.deployedModels ?? []).compactMap(\.endpoint).filter { !VertexAPI.sameResource($0, endpoint) }
        }
    }

    struct MLEngineState {
        var model: MLEngineModel?
        var version: MLEngineVersion?
        var versions: [MLEngineVersion]
    }

    func readVertex() async throws -> VertexState {
        VertexState(
            model: try await client.ifExists(vertex.getModel(vertexModelName)),
            endpoint: try await client.ifExists(vertex.getEndpoint(vertexEndpointName)))
    }

    func readMLEngine() async throws -> MLEngineState {
        guard let model: MLEngineModel = try await client.ifExists(mlEngine.getModel(mlModelName)) else {
            return MLEngineState(model: nil, version: nil, versions: [])
        }
        var versions: [MLEngineVersion] = []
        var pageToken: String?
        repeat {
            let page: MLEngineListVersionsResponse = try await client.json(
                mlEngine.listVersions(model: mlModelName, pageToken: pageToken))
            versions += page.versions ?? []
            pageToken = page.nextPageToken
        } while !(pageToken ?? "").isEmpty
        return MLEngineState(model: model, version: versions.first { $0.name == mlVersionName }, versions: versions)
    }

    // MARK: Plans

    /// What `apply` would do now.
    public func applyPlan() async throws -> ModelProvisionPlan {
        switch deployment.api {
        case .vertex: try vertexApplyPlan(try await readVertex())
        case .mlEngine: try mlEngineApplyPlan(try await readMLEngine())
        }
    }

    /// What `destroy` would do now.
    public func destroyPlan() async throws -> ModelProvisionPlan {
        switch deployment.api {
        case .vertex: try vertexDestroyPlan(try await readVertex())
        case .mlEngine: mlEngineDestroyPlan(try await readMLEngine())
        }
    }

    func vertexApplyPlan(_ state: VertexState) throws -> ModelProvisionPlan {
        var plan = ModelProvisionPlan(steps: [], unchanged: [], notes: [])
        let labels = deployment.labels.isEmpty ? nil : deployment.labels
        if let model = state.model {
            plan.unchanged.append("model \(vertexModelName)")
            if let artifact = model.artifactUri, artifact != deployment.savedModelURI {
                plan.notes.append(
                    "model \(vertexModelName) serves \(artifact), not \(deployment.savedModelURI): "
                        + "apply does not replace a model; run destroy, then apply")
            }
        } else {
            let model = VertexModel(
                displayName: deployment.modelName, artifactUri: deployment.savedModelURI,
                containerSpec: VertexContainerSpec(imageUri: deployment.containerImage), labels: labels)
            plan.steps.append(
                ModelProvisionStep(
                    action: .create, resource: "model \(vertexModelName)",
                    call: try vertex.uploadModel(id: deployment.modelName, model: model), returnsOperation: true))
        }
        if state.endpoint == nil {
            plan.steps.append(
                ModelProvisionStep(
                    action: .create, resource: "endpoint \(vertexEndpointName)",
                    call: try vertex.createEndpoint(
                        id: deployment.endpointName,
                        endpoint: VertexEndpoint(displayName: deployment.endpointName, labels: labels)),
                    returnsOperation: true))
        } else {
            plan.unchanged.append("endpoint \(vertexEndpointName)")
        }
        let elsewhere = state.otherEndpoints(than: vertexEndpointName)
        if !elsewhere.isEmpty {
            plan.notes.append("model \(vertexModelName) is also deployed on \(elsewhere.joined(separator: ", "))")
        }
        if let deployed = state.deployments(of: vertexModelName).first {
            plan.unchanged.append("deployment \(deployed.id ?? "?") of the model on the endpoint")
            if let resources = deployed.dedicatedResources, resources.machineSpec.machineType != deployment.machineType {
                plan.notes.append(
                    "the deployment runs on \(resources.machineSpec.machineType), not \(deployment.machineType): "
                        + "apply does not redeploy; run destroy, then apply")
            }
        } else {
            let deployedModel = VertexDeployedModel(
                model: vertexModelName, displayName: deployment.modelName,
                dedicatedResources: VertexDedicatedResources(
                    machineType: deployment.machineType, minReplicaCount: deployment.minReplicas,
                    maxReplicaCount: deployment.maxReplicas))
            plan.steps.append(
                ModelProvisionStep(
                    action: .deploy, resource: "model \(vertexModelName) to endpoint \(vertexEndpointName)",
                    call: try vertex.deployModel(endpoint: vertexEndpointName, deployedModel: deployedModel),
                    returnsOperation: true))
        }
        return plan
    }

    func vertexDestroyPlan(_ state: VertexState) throws -> ModelProvisionPlan {
        var plan = ModelProvisionPlan(steps: [], unchanged: [], notes: [])
        if let endpoint = state.endpoint {
            for deployed in endpoint.deployedModels ?? [] {
                guard let id = deployed.id else { continue }
                plan.steps.append(
                    ModelProvisionStep(
                        action: .undeploy, resource: "deployment \(id) (\(deployed.model ?? "?")) from \(vertexEndpointName)",
                        call: try vertex.undeployModel(endpoint: vertexEndpointName, deployedModelID: id),
                        returnsOperation: true))
            }
            plan.steps.append(
                ModelProvisionStep(
                    action: .delete, resource: "endpoint \(vertexEndpointName)",
                    call: vertex.deleteEndpoint(vertexEndpointName), returnsOperation: true))
        }
        if state.model != nil {
            let elsewhere = state.otherEndpoints(than: vertexEndpointName)
            if elsewhere.isEmpty {
                plan.steps.append(
                    ModelProvisionStep(
                        action: .delete, resource: "model \(vertexModelName)", call: vertex.deleteModel(vertexModelName),
                        returnsOperation: true))
            } else {
                // Vertex refuses to delete a deployed model; the other endpoint's destroy deletes it.
                plan.notes.append(
                    "model \(vertexModelName) stays: it is also deployed on \(elsewhere.joined(separator: ", ")); "
                        + "destroy with that --endpoint to remove it")
            }
        }
        return plan
    }

    func mlEngineApplyPlan(_ state: MLEngineState) throws -> ModelProvisionPlan {
        var plan = ModelProvisionPlan(steps: [], unchanged: [], notes: [])
        let labels = deployment.labels.isEmpty ? nil : deployment.labels
        if state.model == nil {
            plan.steps.append(
                ModelProvisionStep(
                    action: .create, resource: "model \(mlModelName)",
                    call: try mlEngine.createModel(
                        MLEngineModel(name: mlModelName, regions: [deployment.region], labels: labels)),
                    returnsOperation: false))
        } else {
            plan.unchanged.append("model \(mlModelName)")
        }
        if let version = state.version {
            plan.unchanged.append("version \(mlVersionName)")
            if let uri = version.deploymentUri, uri != deployment.savedModelURI {
                plan.notes.append(
                    "version \(mlVersionName) serves \(uri), not \(deployment.savedModelURI): versions are immutable; "
                        + "pick a new --model-version")
            }
        } else {
            // pythonVersion is required; 3.7 is the Python that ML Engine's 2.x runtimes serve with.
            let version = MLEngineVersion(
                name: deployment.version, deploymentUri: deployment.savedModelURI,
                runtimeVersion: deployment.runtimeVersion, framework: deployment.framework.uppercased(),
                machineType: deployment.machineType, pythonVersion: "3.7", minNodes: deployment.minReplicas,
                maxNodes: deployment.maxReplicas, labels: labels)
            plan.steps.append(
                ModelProvisionStep(
                    action: .create, resource: "version \(mlVersionName)",
                    call: try mlEngine.createVersion(model: mlModelName, version: version), returnsOperation: true))
        }
        if state.version?.isDefault == true {
            plan.unchanged.append("default version \(deployment.version)")
        } else {
            plan.steps.append(
                ModelProvisionStep(
                    action: .setDefault, resource: "version \(mlVersionName)",
                    call: try mlEngine.setDefault(version: mlVersionName), returnsOperation: false))
        }
        return plan
    }

    /// Versions go before their model, and the default version last, since ML Engine refuses to delete it while
    /// others remain.
    func mlEngineDestroyPlan(_ state: MLEngineState) -> ModelProvisionPlan {
        var plan = ModelProvisionPlan(steps: [], unchanged: [], notes: [])
        guard state.model != nil else { return plan }
        let ordered = state.versions.filter { $0.isDefault != true } + state.versions.filter { $0.isDefault == true }
        for version in ordered {
            plan.steps.append(
                ModelProvisionStep(
                    action: .delete, resource: "version \(version.name)", call: mlEngine.deleteVersion(version.name),
                    returnsOperation: true))
        }
        plan.steps.append(
            ModelProvisionStep(
                action: .delete, resource: "model \(mlModelName)", call: mlEngine.deleteModel(mlModelName),
                returnsOperation: true))
        return plan
    }

    // MARK: Running plans

    /// Runs the steps in order, waiting for each operation. With `async`, returns right after starting the first
    /// operation: the later steps need its result, and the next `apply` carries on from there.
    /// Returns the operations left running.
    @discardableResult
    public func run(_ plan: ModelProvisionPlan, async: Bool = false) async throws -> [String] {
        for step in plan.steps {
            progress("\(step.action.rawValue) \(step.resource)")
            let response = try await client.send(step.call)
            guard response.isSuccess else {
                if response.status == 409 {
                    throw GoogleError(
                        .api,
                        "\(step.action.rawValue) \(step.resource): \(client.failure(step.call, response)); it may still be "
                            + "in progress from an earlier --async apply: see `model-provision status`",
                        status: 409)
                }
                throw client.failure(step.call, response)
            }
            guard step.returnsOperation else { continue }
            guard let operation = try? response.decode(GoogleOperation.self) else {
                throw GoogleError(
                    .unexpectedResponse, "\(step.action.rawValue) \(step.resource): the answer is not an operation")
            }
            if async && !operation.isDone {
                progress("started operation \(operation.name); not waiting (--async)")
                return [operation.name]
            }
            _ = try await waiter.wait(
                for: operation, describing: "\(step.action.rawValue) \(step.resource)",
                poll: { name in try await client.json(operationCall(name)) },
                progress: { [progress] current, elapsed in
                    progress("  waiting for operation \(current.name) (\(Self.format(elapsed)))")
                })
        }
        return []
    }

    func operationCall(_ name: String) -> GoogleRESTCall {
        switch deployment.api {
        case .vertex: vertex.getOperation(name)
        case .mlEngine: mlEngine.getOperation(name)
        }
    }

    static func format(_ duration: Duration) -> String {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return seconds < 10 ? String(format: "%.1fs", seconds) : "\(Int(seconds))s"
    }

    // MARK: Status and predictions

    public func status(pendingOperations: [String] = []) async throws -> ModelProvisionStatus {
        var status = ModelProvisionStatus(
            api: deployment.api == .vertex ? "Vertex AI" : "ML Engine", project: deployment.project,
            region: deployment.region, resources: [], predictURL: nil, pendingOperations: pendingOperations)
        switch deployment.api {
        case .vertex:
            let state = try await readVertex()
            status.resources.append(
                ModelProvisionResource(
                    kind: "model", name: vertexModelName, exists: state.model != nil,
                    details: state.model.map { model in
                        var details = ["artifact": model.artifactUri ?? "?", "image": model.containerSpec?.imageUri ?? "?"]
                        let elsewhere = state.otherEndpoints(than: vertexEndpointName)
                        if !elsewhere.isEmpty { details["also deployed on"] = elsewhere.joined(separator: " ") }
                        return details
                    } ?? [:]))
            status.resources.append(
                ModelProvisionResource(kind: "endpoint", name: vertexEndpointName, exists: state.endpoint != nil))
            for deployed in state.endpoint?.deployedModels ?? [] {
                var details = ["model": deployed.model ?? "?"]
                if let resources = deployed.dedicatedResources {
                    details["machine"] = resources.machineSpec.machineType
                    details["replicas"] = "\(resources.minReplicaCount)-\(resources.maxReplicaCount)"
                }
                if let id = deployed.id, let share = state.endpoint?.trafficSplit?[id] { details["traffic"] = "\(share)%" }
                status.resources.append(
                    ModelProvisionResource(kind: "deployment", name: deployed.id ?? "?", exists: true, details: details))
            }
            if !state.deployments(of: vertexModelName).isEmpty {
                status.predictURL = vertex.url("\(vertexEndpointName):predict")
            }
        case .mlEngine:
            let state = try await readMLEngine()
            status.resources.append(ModelProvisionResource(kind: "model", name: mlModelName, exists: state.model != nil))
            for version in state.versions {
                var details = ["state": version.state ?? "?", "default": version.isDefault == true ? "yes" : "no"]
                details["artifact"] = version.deploymentUri
                details["machine"] = version.machineType
                status.resources.append(
                    ModelProvisionResource(kind: "version", name: version.name, exists: true, details: details))
            }
            if state.version == nil {
                status.resources.append(ModelProvisionResource(kind: "version", name: mlVersionName, exists: false))
            } else {
                status.predictURL = mlEngine.url("\(mlVersionName):predict")
            }
        }
        return status
    }

    /// Sends instances to the deployed model and returns its predictions.
    public func predict(instances: [GoogleJSON]) async throws -> [GoogleJSON] {
        let call: GoogleRESTCall
        switch deployment.api {
        case .vertex: call = try vertex.predict(endpoint: vertexEndpointName, instances: instances)
        case .mlEngine: call = try mlEngine.predict(name: mlVersionName, instances: instances)
        }
        let response = try await client.send(call)
        if response.status == 404 {
            throw GoogleError(.api, "\(client.failure(call, response)): nothing deployed yet? run `model-provision apply`", status: 404)
        }
        guard response.isSuccess else { throw client.failure(call, response) }
        guard let predictions = (try? response.decode(VertexPredictResponse.self))?.predictions else {
            throw GoogleError(
                .unexpectedResponse, "the prediction answer has no \"predictions\": \(response.bodyText.prefix(200))")
        }
        return predictions
    }
}
