/// The parts of Vertex AI's resources (`aiplatform` v1) this project reads and writes. Fields Google fills in
/// (output only) are optional and never sent back.
public struct VertexModel: Codable, Sendable, Equatable {
    public var name: String?
    public var displayName: String?
    public var artifactUri: String?
    public var containerSpec: VertexContainerSpec?
    public var labels: [String: String]?
    public var deployedModels: [VertexDeployedModelRef]?
    public var createTime: String?

    public init(displayName: String, artifactUri: String, containerSpec: VertexContainerSpec, labels: [String: String]?) {
        self.displayName = displayName
        self.artifactUri = artifactUri
        self.containerSpec = containerSpec
        self.labels = labels
    }
}

public struct VertexContainerSpec: Codable, Sendable, Equatable {
    public var imageUri: String

    public init(imageUri: String) {
        self.imageUri = imageUri
    }
}

/// Where a model is deployed (`Model.deployedModels`).
public struct VertexDeployedModelRef: Codable, Sendable, Equatable {
    public var endpoint: String?
    public var deployedModelId: String?
}

public struct VertexEndpoint: Codable, Sendable, Equatable {
    public var name: String?
    public var displayName: String?
    public var labels: [String: String]?
    public var deployedModels: [VertexDeployedModel]?
    public var trafficSplit: [String: Int]?
    public var createTime: String?

    public init(displayName: String, labels: [String: String]?) {
        self.displayName = displayName
        self.labels = labels
    }
}

public struct VertexDeployedModel: Codable, Sendable, Equatable {
    public var id: String?
    public var model: String?
    public var displayName: String?
    public var dedicatedResources: VertexDedicatedResources?

    public init(model: String, displayName: String, dedicatedResources: VertexDedicatedResources) {
        self.model = model
        self.displayName = displayName
        self.dedicatedResources = dedicatedResources
    }
}

public struct VertexDedicatedResources: Codable, Sendable, Equatable {
    public struct MachineSpec: Codable, Sendable, Equatable {
        public var machineType: String
    }

    public var machineSpec: MachineSpec
    public var minReplicaCount: Int
    public var maxReplicaCount: Int

    public init(machineType: String, minReplicaCount: Int, maxReplicaCount: Int) {
        machineSpec = MachineSpec(machineType: machineType)
        self.minReplicaCount = minReplicaCount
        self.maxReplicaCount = maxReplicaCount
    }
}

struct VertexUploadModelRequest: Encodable {
    var model: VertexModel
    var modelId: String
}

struct VertexDeployModelRequest: Encodable {
    var deployedModel: VertexDeployedModel
    /// "0" stands for the model being deployed, as the API documents.
    var trafficSplit: [String: Int]
}

struct VertexUndeployModelRequest: Encodable {
    var deployedModelId: String
}

struct VertexPredictRequest: Encodable {
    var instances: [GoogleJSON]
}

/// `{"predictions": [...], "deployedModelId": "...", "model": "..."}`.
public struct VertexPredictResponse: Codable, Sendable, Equatable {
    public var predictions: [GoogleJSON]?
    public var deployedModelId: String?
    public var model: String?
}
