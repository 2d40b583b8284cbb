/// Which Google API serves the model. ML Engine (`ml` v1) was shut down on 2025-01-31; Vertex AI replaced it.
public enum GoogleAPI: String, Sendable, CaseIterable {
    case vertex
    case mlEngine = "ml-engine"
}
