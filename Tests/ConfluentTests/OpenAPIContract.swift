import Foundation
import HTTP
import TestSupport
import Yams

/// A JSON value with integers kept apart from other numbers, so a schema's `integer` can be checked exactly.
enum JSONValue: Decodable, Equatable {
    case null
    case bool(Bool)
    case integer(Int)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    static func parse(_ data: Data) -> JSONValue? { try? JSONDecoder().decode(JSONValue.self, from: data) }

    subscript(key: String) -> JSONValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    var integer: Int? {
        if case .integer(let value) = self { return value }
        return nil
    }

    var array: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }
}

/// An OpenAPI 3 document from `../shared/contracts/`, loaded at test time, that says whether a request is one
/// the published API accepts: the method and path exist, path and query parameters are as declared, the
/// operation's Basic auth is present, and the JSON body fits the request schema (required fields, no unknown
/// fields, types, enums). Responses of the test double are checked against the response schemas the same way.
///
/// `@unchecked Sendable`: the parsed document is only read after `init`.
final class OpenAPIContract: @unchecked Sendable {
    let name: String
    private let document: [String: Any]

    /// `../shared/contracts/NAME`, beside the repository.
    static func shared(_ name: String, filePath: String = #filePath) throws -> OpenAPIContract {
        let url = SharedContracts.url(name, from: filePath)
        return try OpenAPIContract(name: name, yaml: String(contentsOf: url, encoding: .utf8))
    }

    init(name: String, yaml: String) throws {
        self.name = name
        guard let document = try Yams.load(yaml: yaml) as? [String: Any] else {
            throw CocoaError(.fileReadCorruptFile)
        }
        self.document = document
    }

    struct Operation {
        let id: String
        let template: String
        let method: String
        let pathParameters: [String: String]
        fileprivate let definition: [String: Any]
    }

    /// The operation a request is for; literal segments beat parameters (`topics/-/configs` over
    /// `topics/{topic_name}/configs`).
    func operation(method: String, path: String) -> Operation? {
        let paths = document["paths"] as? [String: Any] ?? [:]
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        var best: (literals: Int, operation: Operation)?
        for (template, item) in paths {
            let templateSegments = template.split(separator: "/", omittingEmptySubsequences: false)
            guard templateSegments.count == segments.count,
                let definition = (item as? [String: Any])?[method.lowercased()] as? [String: Any]
            else { continue }
            var parameters: [String: String] = [:]
            var literals = 0
            var matches = true
            for (expected, actual) in zip(templateSegments, segments) {
                if expected.hasPrefix("{") && expected.hasSuffix("}") && !expected.contains(":") {
                    parameters[String(expected.dropFirst().dropLast())] = String(actual)
                    matches = matches && !actual.isEmpty
                } else {
                    literals += 1
                    matches = matches && expected == actual
                }
            }
            guard matches, best.map({ literals > $0.literals }) ?? true else { continue }
            let id = definition["operationId"] as? String ?? "\(method) \(template)"
            best = (literals, Operation(id: id, template: template, method: method, pathParameters: parameters, definition: definition))
        }
        return best?.operation
    }

    /// Everything wrong with the request as the contract sees it; empty when it conforms.
    func violations(of request: ServerRequest, operation: Operation) -> [String] {
        var problems: [String] = []
        let parameters = (operation.definition["parameters"] as? [Any] ?? []).compactMap { resolve($0) }
        for parameter in parameters where parameter["in"] as? String == "query" {
            let name = parameter["name"] as? String ?? ""
            if parameter["required"] as? Bool == true && request.query[name] == nil {
                problems.append("missing required query parameter \(name)")
            }
        }
        let declaredQuery = Set(parameters.filter { $0["in"] as? String == "query" }.compactMap { $0["name"] as? String })
        for name in request.query.keys where !declaredQuery.contains(name) {
            problems.append("query parameter \(name) is not in the contract")
        }
        for parameter in parameters where parameter["in"] as? String == "path" {
            let name = parameter["name"] as? String ?? ""
            if (operation.pathParameters[name] ?? "").isEmpty { problems.append("path parameter \(name) is empty") }
        }
        if usesBasicAuth(operation), basicCredentials(request) == nil {
            problems.append("no HTTP Basic Authorization header, which the operation's security requires")
        }
        if let schema = requestSchema(operation) {
            let contentType = request.headers.value(named: "Content-Type") ?? ""
            if !contentType.hasPrefix("application/json") {
                problems.append("Content-Type is '\(contentType)', not application/json")
            }
            if let body = JSONValue.parse(request.body) {
                problems += validate(body, against: schema, at: "body", inRequest: true)
            } else {
                problems.append("the body is not JSON")
            }
        } else if !request.body.isEmpty {
            problems.append("the operation takes no body, but one was sent")
        }
        return problems.map { "\(request.method) \(request.path): \($0)" }
    }

    /// Problems with a JSON response the double is about to send, checked against the declared response schema.
    func responseViolations(_ response: ServerResponse, operation: Operation) -> [String] {
        let responses = operation.definition["responses"] as? [String: Any] ?? [:]
        let declared = responses[String(response.status)] ?? responses["\(response.status / 100)XX"]
        guard let declared = resolve(declared ?? [:]) else { return ["status \(response.status) is not declared"] }
        guard let schema = jsonSchema(of: declared), let body = JSONValue.parse(response.body) else { return [] }
        return validate(body, against: schema, at: "response \(response.status)")
            .map { "\(operation.method) \(operation.template): \($0)" }
    }

    func basicCredentials(_ request: ServerRequest) -> (key: String, secret: String)? {
        guard let header = request.headers.value(named: "Authorization"), header.hasPrefix("Basic "),
            let decoded = Data(base64Encoded: String(header.dropFirst(6))),
            let text = String(data: decoded, encoding: .utf8), let colon = text.firstIndex(of: ":")
        else { return nil }
        return (String(text[..<colon]), String(text[text.index(after: colon)...]))
    }

    private func usesBasicAuth(_ operation: Operation) -> Bool {
        let schemes = ((document["components"] as? [String: Any])?["securitySchemes"] as? [String: Any]) ?? [:]
        let requirements = operation.definition["security"] as? [[String: Any]] ?? []
        return requirements.flatMap(\.keys).contains { name in
            let scheme = schemes[name] as? [String: Any]
            return scheme?["type"] as? String == "http" && scheme?["scheme"] as? String == "basic"
        }
    }

    private func requestSchema(_ operation: Operation) -> [String: Any]? {
        guard let body = operation.definition["requestBody"], let resolved = resolve(body) else { return nil }
        return jsonSchema(of: resolved)
    }

    private func jsonSchema(of object: [String: Any]) -> [String: Any]? {
        let content = object["content"] as? [String: Any]
        return (content?["application/json"] as? [String: Any])?["schema"] as? [String: Any]
    }

    /// Follows `$ref: '#/components/...'` until a plain object.
    private func resolve(_ value: Any) -> [String: Any]? {
        guard var object = value as? [String: Any] else { return nil }
        while let reference = object["$ref"] as? String, reference.hasPrefix("#/") {
            var target: Any? = document
            for key in reference.dropFirst(2).split(separator: "/") {
                target = (target as? [String: Any])?[String(key)]
            }
            guard let resolved = target as? [String: Any] else { return nil }
            object = resolved
        }
        return object
    }

    /// In a request, OpenAPI's `readOnly` fields are neither required nor allowed.
    func validate(_ value: JSONValue, against rawSchema: [String: Any], at path: String, inRequest: Bool = false) -> [String] {
        guard var schema = resolve(rawSchema) else { return ["\(path): unresolvable schema"] }
        if schema["allOf"] != nil {
            schema = flattened(schema)
        }
        if let alternatives = schema["oneOf"] as? [Any] {
            let fits = alternatives.contains { validate(value, against: resolve($0) ?? [:], at: path, inRequest: inRequest).isEmpty }
            return fits ? [] : ["\(path): matches none of the oneOf alternatives"]
        }
        if value == .null {
            return schema["nullable"] as? Bool == true || schema["type"] == nil ? [] : ["\(path): null is not allowed"]
        }
        let type = schema["type"] as? String ?? (schema["properties"] != nil ? "object" : nil)
        switch (type, value) {
        case (nil, _):
            return []
        case ("object", .object(let object)):
            var problems: [String] = []
            let properties = schema["properties"] as? [String: Any] ?? [:]
            for key in schema["required"] as? [String] ?? [] where object[key] == nil {
                if inRequest, isReadOnly(properties[key]) { continue }
                problems.append("\(path): required field '\(key)' is missing")
            }
            for (key, member) in object.sorted(by: { $0.key < $1.key }) {
                if let propertySchema = properties[key] as? [String: Any] {
                    if inRequest, isReadOnly(propertySchema) {
                        problems.append("\(path): read-only field '\(key)' sent")
                    }
                    problems += validate(member, against: propertySchema, at: "\(path).\(key)", inRequest: inRequest)
                } else if let additional = schema["additionalProperties"] as? [String: Any] {
                    problems += validate(member, against: additional, at: "\(path).\(key)", inRequest: inRequest)
                } else if properties[key] == nil {
                    problems.append("\(path): field '\(key)' is not in the schema")
                }
            }
            return problems
        case ("array", .array(let items)):
            let itemSchema = schema["items"] as? [String: Any] ?? [:]
            return items.enumerated().flatMap { validate($1, against: itemSchema, at: "\(path)[\($0)]", inRequest: inRequest) }
        case ("string", .string(let text)):
            let allowed = (schema["enum"] as? [String]) ?? (schema["x-extensible-enum"] as? [String])
            if let allowed, !allowed.contains(text) {
                return ["\(path): '\(text)' is not one of \(allowed.joined(separator: ", "))"]
            }
            return []
        case ("integer", .integer), ("number", .integer), ("number", .number), ("boolean", .bool):
            return []
        default:
            return ["\(path): expected \(type ?? "?"), got \(value)"]
        }
    }

    private func isReadOnly(_ schema: Any?) -> Bool {
        guard let resolved = schema.flatMap({ resolve($0) }) else { return false }
        if resolved["readOnly"] as? Bool == true { return true }
        return (resolved["allOf"] as? [Any] ?? []).contains { (resolve($0)?["readOnly"] as? Bool) == true }
    }

    /// A nested `allOf` as one object schema.
    private func flattened(_ schema: [String: Any]) -> [String: Any] {
        var properties: [String: Any] = schema["properties"] as? [String: Any] ?? [:]
        var required = schema["required"] as? [String] ?? []
        for part in (schema["allOf"] as? [Any] ?? []).compactMap({ resolve($0) }) {
            let inner = part["allOf"] != nil ? flattened(part) : part
            properties.merge(inner["properties"] as? [String: Any] ?? [:]) { first, _ in first }
            required += inner["required"] as? [String] ?? []
        }
        return ["type": "object", "properties": properties, "required": required]
    }
}
