import Failure

/// A JPEG that could not be encoded or decoded, with libjpeg's own explanation.
public struct JPEGError: PipelineError, Equatable {
    public enum Code: String, Sendable, Hashable, CustomStringConvertible {
        /// The data is not a JPEG this decoder accepts: corrupt, truncated, empty, or over the pixel limit.
        case invalidImage = "invalid_image"
        /// The caller asked for something JPEG cannot do: a quality outside 1…100, a size outside 1…65500, too few
        /// pixels for the size.
        case invalidArgument = "invalid_argument"
        /// libjpeg failed while encoding valid pixels.
        case encodeFailed = "encode_failed"
        /// libjpeg could not set up a compressor or decompressor (out of memory).
        case unavailable

        public var description: String { rawValue }
    }

    public let code: Code
    public let reason: String

    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason.onOneLine
    }

    /// The same image or arguments fail the same way again; only a library that cannot start is everyone's problem.
    public var failureKind: FailureKind { code == .unavailable ? .systemic : .permanent }

    public var description: String { "JPEG error: \(reason)" }
}

extension JPEGError {
    /// Reads the NUL-terminated message buffer the C shim filled in.
    init(_ code: Code, cMessage: [CChar]) {
        self.init(code, String(decoding: cMessage.prefix { $0 != 0 }.map(UInt8.init(bitPattern:)), as: UTF8.self))
    }
}
