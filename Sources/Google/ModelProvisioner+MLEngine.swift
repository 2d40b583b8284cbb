import Foundation

/// ML Engine (AI Platform Prediction, retired): a model and an immutable version of it, made the default.
extension ModelProvisioner {
    var mlModelName: String { mlEngine.modelName(deployment.mlEngineModelID) }
    var mlVersionName: String { mlEngine.versionName(model: deployment.mlEngineModelID, version: deployment.version) }

    struct MLEngineState {
        var model: MLEngineModel?
        var version: MLEngineVersion?
        var versions: [MLEngineVersion]
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
                        + "pick a new --version-name")
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

    func addMLEngineStatus(to status: inout ModelProvisionStatus) async throws {
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
}
