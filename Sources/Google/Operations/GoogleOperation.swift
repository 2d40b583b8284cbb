import Foundation

/// A long-running operation (`google.longrunning.Operation`), as both Vertex AI and ML Engine return them.
public struct GoogleOperation: Codable, Sendable, Equatable {
    public var name: String
    public var done: Bool?
    public var error: GoogleRPCStatus?
    public var metadata: GoogleJSON?
    public var response: GoogleJSON?

    public init(name: String, done: Bool? = nil, error: GoogleRPCStatus? = nil) {
        self.name = name
        self.done = done
        self.error = error
    }

    public var isDone: Bool { done ?? false }
}

/// `google.rpc.Status`: the error of a failed operation.
public struct GoogleRPCStatus: Codable, Sendable, Equatable {
    public var code: Int?
    public var message: String?
    public var details: [GoogleJSON]?

    /// gRPC's names for the codes, as Google's consoles show them.
    static let codeNames = [
        1: "CANCELLED", 2: "UNKNOWN", 3: "INVALID_ARGUMENT", 4: "DEADLINE_EXCEEDED", 5: "NOT_FOUND",
        6: "ALREADY_EXISTS", 7: "PERMISSION_DENIED", 8: "RESOURCE_EXHAUSTED", 9: "FAILED_PRECONDITION",
        10: "ABORTED", 11: "OUT_OF_RANGE", 12: "UNIMPLEMENTED", 13: "INTERNAL", 14: "UNAVAILABLE",
        15: "DATA_LOSS", 16: "UNAUTHENTICATED",
    ]

    /// Everything the operation said: code name, message and every detail, on one line.
    public var summary: String {
        let code = code.map { "\(Self.codeNames[$0] ?? "code \($0)") (\($0))" } ?? "unknown code"
        var text = "\(code): \(message ?? "no message")"
        if let details, !details.isEmpty {
            text += "; details: " + details.map(\.compactText).joined(separator: ", ")
        }
        return text
    }
}
