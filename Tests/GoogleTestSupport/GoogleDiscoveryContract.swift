import Foundation
import TestSupport

/// A Google discovery document loaded at test time, used to check requests against the published contract:
/// the method and path (from each method's `path` template and its parameters' patterns), the query parameters,
/// and the JSON body against the request schema.
public struct GoogleDiscoveryContract: @unchecked Sendable {
    // @unchecked Sendable: the parsed JSON (`[String: Any]`) is only read after `init`.
    public struct Method {
        public let id: String
        public let httpMethod: String
        let pathExpression: NSRegularExpression
        let pathParameters: [String]
        let queryParameters: [String: [String: Any]]
        let requestSchema: String?
    }

    public struct Match {
        public let method: Method
        /// Path parameters by name, e.g. `parent` = `projects/p/locations/r`.
        public let parameters: [String: String]
    }

    public let methods: [Method]
    private let schemas: [String: Any]
    private let globalParameters: [String: [String: Any]]

    /// Loads `file` from the shared contracts folder, found from this source file's location.
    public static func load(_ file: String, sourceFile: String = #filePath) throws -> GoogleDiscoveryContract {
        let url = SharedContracts.url(file, from: sourceFile)
        let document = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] ?? [:]
        return try GoogleDiscoveryContract(document: document)
    }

    init(document: [String: Any]) throws {
        schemas = document["schemas"] as? [String: Any] ?? [:]
        globalParameters = document["parameters"] as? [String: [String: Any]] ?? [:]
        var methods: [Method] = []
        func collect(_ resource: [String: Any]) throws {
            for case let method as [String: Any] in (resource["methods"] as? [String: Any] ?? [:]).values {
                methods.append(try Self.method(method))
            }
            for case let child as [String: Any] in (resource["resources"] as? [String: Any] ?? [:]).values {
                try collect(child)
            }
        }
        try collect(document)
        self.methods = methods
    }

    /// `v1/{+name}:predict` with `name` matching `^projects/.+$` becomes `^v1/(projects/.+):predict$`.
    private static func method(_ method: [String: Any]) throws -> Method {
        let parameters = method["parameters"] as? [String: [String: Any]] ?? [:]
        let template = method["path"] as? String ?? ""
        var pattern = "^"
        var names: [String] = []
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            pattern += NSRegularExpression.escapedPattern(for: String(rest[..<open]))
            var name = String(rest[rest.index(after: open)..<close])
            let reserved = name.hasPrefix("+")
            if reserved { name.removeFirst() }
            var parameterPattern = (parameters[name]?["pattern"] as? String) ?? (reserved ? ".+" : "[^/]+")
            if parameterPattern.hasPrefix("^") { parameterPattern.removeFirst() }
            if parameterPattern.hasSuffix("$") { parameterPattern.removeLast() }
            pattern += "(\(parameterPattern))"
            names.append(name)
            rest = rest[rest.index(after: close)...]
        }
        pattern += NSRegularExpression.escapedPattern(for: String(rest)) + "$"
        return Method(
            id: method["id"] as? String ?? "?", httpMethod: method["httpMethod"] as? String ?? "?",
            pathExpression: try NSRegularExpression(pattern: pattern), pathParameters: names,
            queryParameters: parameters.filter { $0.value["location"] as? String == "query" },
            requestSchema: (method["request"] as? [String: Any])?["$ref"] as? String)
    }

    /// The method this request calls, if the contract has one.
    public func match(method httpMethod: String, path: String) -> Match? {
        let path = path.hasPrefix("/") ? String(path.dropFirst()) : path
        let range = NSRange(path.startIndex..., in: path)
        for method in methods where method.httpMethod == httpMethod {
            guard let result = method.pathExpression.firstMatch(in: path, range: range) else { continue }
            var values: [String: String] = [:]
            for (index, name) in method.pathParameters.enumerated() {
                if let captured = Range(result.range(at: index + 1), in: path) { values[name] = String(path[captured]) }
            }
            return Match(method: method, parameters: values)
        }
        return nil
    }

    /// Every way the query or body breaks the contract; empty when the request conforms.
    public func violations(of match: Match, query: [String: String], body: Data) -> [String] {
        var problems: [String] = []
        for (name, value) in query {
            guard let parameter = match.method.queryParameters[name] ?? globalParameters[name] else {
                problems.append("\(match.method.id): unknown query parameter '\(name)'")
                continue
            }
            if parameter["type"] as? String == "integer", Int(value) == nil {
                problems.append("\(match.method.id): query parameter '\(name)' is not an integer: \(value)")
            }
        }
        guard let schemaName = match.method.requestSchema else {
            if !body.isEmpty { problems.append("\(match.method.id): takes no body, got \(body.count) bytes") }
            return problems
        }
        guard let value = try? JSONDecoder().decode(ContractValue.self, from: body) else {
            return problems + ["\(match.method.id): body is not JSON"]
        }
        // google.api.HttpBody requests (ML Engine's predict) pass the body to the model untouched.
        let schema = schemas[schemaName] as? [String: Any] ?? [:]
        if let properties = schema["properties"] as? [String: Any], Set(properties.keys) == ["httpBody"] {
            if case .object = value { return problems }
            return problems + ["\(match.method.id): body is not a JSON object"]
        }
        return problems + check(value, against: ["$ref": schemaName], at: match.method.id)
    }

    private func check(_ value: ContractValue, against schema: [String: Any], at location: String) -> [String] {
        if let reference = schema["$ref"] as? String {
            guard let resolved = schemas[reference] as? [String: Any] else { return ["\(location): unknown schema \(reference)"] }
            return check(value, against: resolved, at: location)
        }
        switch schema["type"] as? String {
        case "object":
            guard case .object(let object) = value else { return ["\(location): expected an object"] }
            var problems: [String] = []
            if let properties = schema["properties"] as? [String: [String: Any]] {
                for (key, field) in properties where (field["description"] as? String ?? "").hasPrefix("Required.") {
                    if object[key] == nil { problems.append("\(location).\(key): required field missing") }
                }
                for (key, child) in object {
                    guard let field = properties[key] else {
                        problems.append("\(location).\(key): unknown field")
                        continue
                    }
                    if field["readOnly"] as? Bool == true || (field["description"] as? String ?? "").hasPrefix("Output only.") {
                        problems.append("\(location).\(key): output-only field sent")
                    }
                    problems += check(child, against: field, at: "\(location).\(key)")
                }
            } else if let additional = schema["additionalProperties"] as? [String: Any] {
                for (key, child) in object { problems += check(child, against: additional, at: "\(location).\(key)") }
            }
            return problems
        case "array":
            guard case .array(let array) = value else { return ["\(location): expected an array"] }
            let items = schema["items"] as? [String: Any] ?? [:]
            return array.enumerated().flatMap { check($1, against: items, at: "\(location)[\($0)]") }
        case "string":
            if case .string = value { return [] }
            return ["\(location): expected a string"]
        case "integer":
            // int64 fields travel as strings in Google's JSON mapping.
            if case .number(let number) = value, number.rounded() == number { return [] }
            if case .string(let text) = value, Int(text) != nil { return [] }
            return ["\(location): expected an integer"]
        case "number":
            if case .number = value { return [] }
            return ["\(location): expected a number"]
        case "boolean":
            if case .bool = value { return [] }
            return ["\(location): expected a boolean"]
        default:
            return []
        }
    }
}
