/// The Google Cloud project and the model to deploy there (`google:` in the file).
public struct GoogleSettings: Sendable, Equatable {
    /// Default: none; also read from `GOOGLE_CLOUD_PROJECT` or the service-account key.
    public var project: String?
    /// Default: `us-central1`.
    public var region = "us-central1"
    /// Default: `vertex`.
    public var api = GoogleAPI.vertex
    public var model = ModelSettings()

    public init() {}

    init(_ reader: ConfigReader) throws(ConfigurationError) {
        try reader.rejectUnknownKeys(["project", "region", "api", "model"])
        project = try reader.string("project")
        region = try reader.string("region", default: region)
        api = try reader.choice("api", default: api)
        model = try ModelSettings(try reader.child("model"))
    }
}
