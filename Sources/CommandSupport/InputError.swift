/// Bad input found after flag parsing (in the environment, a file or the configuration): one line on standard
/// error and exit 64, like a bad flag.
public struct InputError: Error, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
