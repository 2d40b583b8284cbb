import Foundation

/// Vertex AI: a model uploaded from the SavedModel, an endpoint, and the model deployed to it.
extension ModelProvisioner {
    var vertexModelName: String { vertex.modelName(deployment.modelName) }
    var vertexEndpointName: String { vertex.endpointName(deployment.endpointName) }

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

    func readVertex() async throws -> VertexState {
        VertexState(
            model: try await client.ifExists(vertex.getModel(vertexModelName)),
            endpoint: try await client.ifExists(vertex.getEndpoint(vertexEndpointName)))
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

    func addVertexStatus(to status: inout ModelProvisionStatus) async throws {
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
    }
}
