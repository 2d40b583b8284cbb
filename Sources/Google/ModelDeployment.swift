import Foundation
import PipelineConfig

/// What to deploy and where: the `google:` settings after flags and the environment have been applied, checked
/// before any request leaves so that typos fail fast with a sentence, not a 400 from Google.
public struct ModelDeployment: Sendable, Equatable {
    public var api: GoogleAPI
    public var project: String
    public var region: String
    public var modelName: String
    /// ML Engine only.
    public var version: String
    public var savedModelURI: String
    /// ML Engine only.
    public var runtimeVersion: String
    public var framework: String
    public var machineType: String
    /// Vertex only.
    public var containerImage: String
    public var minReplicas: Int
    public var maxReplicas: Int
    /// Vertex endpoint id. Default: the model name followed by `-endpoint`.
    public var endpointName: String
    public var labels: [String: String]

    /// Takes everything but the project from `settings`; nil fields fail `validate()`.
    public init(settings: GoogleSettings, project: String) {
        api = settings.api
        self.project = project
        region = settings.region
        modelName = settings.model.name
        version = settings.model.version
        savedModelURI = settings.model.savedModelURI ?? ""
        runtimeVersion = settings.model.runtimeVersion
        framework = settings.model.framework
        machineType = settings.model.machineType
        containerImage = settings.model.containerImage
        minReplicas = settings.model.minReplicas
        maxReplicas = settings.model.maxReplicas
        endpointName = settings.model.endpointName ?? "\(settings.model.name)-endpoint"
        labels = settings.model.labels
    }

    /// ML Engine names allow no hyphens, so `image-classifier` becomes `image_classifier` there.
    public var mlEngineModelID: String { modelName.replacingOccurrences(of: "-", with: "_") }

    /// Checks every field against the formats Google accepts; the first problem is thrown as one sentence.
    public func validate() throws {
        func check(_ value: String, _ pattern: String, _ message: @autoclosure () -> String) throws {
            guard value.range(of: pattern, options: .regularExpression) != nil else {
                throw GoogleError(.invalidInput, message())
            }
        }
        try check(
            project, "^[a-z][a-z0-9-]{4,28}[a-z0-9]$",
            "project '\(project)' is not a Google Cloud project id (6-30 lowercase letters, digits and hyphens)")
        try check(region, "^[a-z]+-[a-z]+[0-9]+$", "region '\(region)' is not a Google Cloud region such as us-central1")
        if let problem = GoogleCloudRegions.problem(with: region) { throw GoogleError(.invalidInput, problem) }
        try check(
            savedModelURI, "^gs://[a-z0-9][a-z0-9._-]{1,61}[a-z0-9](/.*)?$",
            "saved model URI '\(savedModelURI)' is not a Cloud Storage location: expected gs://bucket/path/to/saved_model/")
        try check(
            machineType, "^[a-z][a-z0-9]*(-[a-z0-9]+)+$",
            "machine type '\(machineType)' is not a Compute Engine machine type such as n1-standard-4 or e2-standard-2")
        guard minReplicas >= 1, maxReplicas >= minReplicas else {
            throw GoogleError(
                .invalidInput, "replicas \(minReplicas)-\(maxReplicas): need 1 <= min-replicas <= max-replicas")
        }
        for (key, value) in labels {
            try check(key, "^[a-z][a-z0-9_-]{0,62}$", "label key '\(key)': use lowercase letters, digits, _ and -, starting with a letter")
            try check(value, "^[a-z0-9_-]{0,63}$", "label value '\(value)' of '\(key)': use lowercase letters, digits, _ and -")
        }
        switch api {
        case .vertex:
            try check(
                modelName, "^[a-z][a-z0-9_-]{0,62}$",
                "model name '\(modelName)' is not a Vertex AI model id (lowercase letters, digits, _ and -, starting with a letter)")
            try check(
                endpointName, "^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$",
                "endpoint name '\(endpointName)' is not a Vertex AI endpoint id (lowercase letters, digits and -, starting with a letter)")
            try check(containerImage, "^[a-z0-9.-]+(:[0-9]+)?/[^ ]+$", "container image '\(containerImage)' is not an image reference")
        case .mlEngine:
            try check(
                mlEngineModelID, "^[A-Za-z][A-Za-z0-9_]{0,127}$",
                "model name '\(modelName)' is not an ML Engine model name (letters, digits and _, starting with a letter)")
            try check(
                version, "^[A-Za-z][A-Za-z0-9_]{0,127}$",
                "version '\(version)' is not an ML Engine version name (letters, digits and _, starting with a letter)")
            try check(runtimeVersion, "^[0-9]+\\.[0-9]+$", "runtime version '\(runtimeVersion)' is not like 2.11")
            try check(
                framework.uppercased(), "^(TENSORFLOW|SCIKIT_LEARN|XGBOOST)$",
                "framework '\(framework)' is not one ML Engine serves: tensorflow, scikit_learn or xgboost")
        }
    }
}
