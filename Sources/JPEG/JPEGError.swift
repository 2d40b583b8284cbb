/// A JPEG that could not be encoded or decoded, with libjpeg's own explanation.
public struct JPEGError: Error, CustomStringConvertible, Equatable {
    public let reason: String

    public init(_ reason: String) {
        self.reason = reason
    }

    public var description: String { "JPEG error: \(reason)" }
}

extension JPEGError {
    /// Reads the NUL-terminated message buffer the C shim filled in.
    init(cMessage: [CChar]) {
        self.init(String(decoding: cMessage.prefix { $0 != 0 }.map(UInt8.init(bitPattern:)), as: UTF8.self))
    }
}
