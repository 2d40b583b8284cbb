/// The parts of ML Engine's resources (`ml` v1) this project reads and writes.
public struct MLEngineModel: Codable, Sendable, Equatable {
    public var name: String
    public var description: String?
    public var regions: [String]?
    public var labels: [String: String]?
    public var defaultVersion: MLEngineVersion?

    public init(name: String, description: String? = nil, regions: [String]?, labels: [String: String]?) {
        self.name = name
        self.description = description
        self.regions = regions
        self.labels = labels
    }
}

public struct MLEngineVersion: Codable, Sendable, Equatable {
    public struct AutoScaling: Codable, Sendable, Equatable {
        public var minNodes: Int?
        public var maxNodes: Int?
    }

    public var name: String
    public var deploymentUri: String?
    public var runtimeVersion: String?
    /// `TENSORFLOW`, `SCIKIT_LEARN` or `XGBOOST`.
    public var framework: String?
    public var machineType: String?
    public var pythonVersion: String?
    public var autoScaling: AutoScaling?
    public var labels: [String: String]?
    /// Output only: `READY`, `CREATING`, `FAILED`, ….
    public var state: String?
    public var isDefault: Bool?
    public var errorMessage: String?

    public init(
        name: String, deploymentUri: String, runtimeVersion: String, framework: String, machineType: String,
        pythonVersion: String, minNodes: Int, maxNodes: Int, labels: [String: String]?
    ) {
        self.name = name
        self.deploymentUri = deploymentUri
        self.runtimeVersion = runtimeVersion
        self.framework = framework
        self.machineType = machineType
        self.pythonVersion = pythonVersion
        self.autoScaling = AutoScaling(minNodes: minNodes, maxNodes: maxNodes)
        self.labels = labels
    }
}

public struct MLEngineListVersionsResponse: Codable, Sendable, Equatable {
    public var versions: [MLEngineVersion]?
    public var nextPageToken: String?
}

struct MLEngineEmptyRequest: Encodable {}

/// The prediction body ML Engine forwards to the model as is: `{"instances": [...]}`.
struct MLEnginePredictRequest: Encodable {
    var instances: [GoogleJSON]
}
