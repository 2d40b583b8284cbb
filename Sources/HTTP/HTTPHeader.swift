import Foundation

public struct HTTPHeader: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

extension HTTPHeader {
    /// A header line of a response (`Name: value`), as a peer sent it; nil when it has no colon.
    public init?(responseLine line: String) {
        guard let colon = line.firstIndex(of: ":") else { return nil }
        self.init(String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
    }
}

extension Array where Element == HTTPHeader {
    /// The first header with this name, compared case-insensitively as HTTP requires.
    public func value(named name: String) -> String? {
        first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}
