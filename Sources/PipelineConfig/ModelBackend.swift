/// How the stream app reaches its model.
public enum ModelBackend: String, Sendable, CaseIterable {
    case tfServing = "tf-serving"
    case vertex
    case mlEngine = "ml-engine"
}
