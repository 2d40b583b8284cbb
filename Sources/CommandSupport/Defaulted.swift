import ArgumentParser

/// A flag's value that knows whether the user typed it. A renamed flag keeps its default in `--help` (and in the
/// vocabulary table) while `Deprecation.option` can still tell the new spelling given from the new spelling defaulted,
/// and so refuse both spellings at once.
public struct Defaulted<Value: ExpressibleByArgument & Sendable>: ExpressibleByArgument, Sendable {
    /// What the user typed, else the default.
    public let value: Value
    /// Whether the user typed it.
    public let isGiven: Bool

    public init(default value: Value) {
        self.value = value
        isGiven = false
    }

    public init?(argument: String) {
        guard let value = Value(argument: argument) else { return nil }
        self.value = value
        isGiven = true
    }

    /// The value when the user typed it, for `Deprecation.option`.
    public var given: Value? { isGiven ? value : nil }

    public var defaultValueDescription: String { value.defaultValueDescription }
}
