/// The tool's own work failed where no library error says why (a server that cannot listen): one line on standard
/// error and exit 1.
public struct CommandFailure: Error, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
