import CheckedNumbers
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
        let seconds = duration.secondsValue
        return seconds < 10 ? String(format: "%.1fs", seconds) : "\(Int(seconds))s"
    }

    // MARK: Status and predictions

    public func status(pendingOperations: [String] = []) async throws -> ModelProvisionStatus {
        var status = ModelProvisionStatus(
            api: deployment.api == .vertex ? "Vertex AI" : "ML Engine", project: deployment.project,
            region: deployment.region, resources: [], predictURL: nil, pendingOperations: pendingOperations)
        switch deployment.api {
        case .vertex: try await addVertexStatus(to: &status)
        case .mlEngine: try await addMLEngineStatus(to: &status)
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
