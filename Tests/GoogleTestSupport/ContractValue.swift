import Foundation

/// JSON as sent, keeping booleans and numbers apart (JSONSerialization on Linux does not), and Sendable so the
/// contract server can keep resources in its state.
public enum ContractValue: Codable, Sendable, Equatable {
    case null, bool(Bool), number(Double), string(String), array([ContractValue]), object([String: ContractValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([ContractValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: ContractValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value):
            if value.rounded() == value { try container.encode(Int64(value)) } else { try container.encode(value) }
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    public var data: Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)) ?? Data("null".utf8)
    }

    public subscript(key: String) -> ContractValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    public var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var array: [ContractValue] {
        if case .array(let value) = self { return value }
        return []
    }

    public var object: [String: ContractValue] {
        if case .object(let value) = self { return value }
        return [:]
    }
}
