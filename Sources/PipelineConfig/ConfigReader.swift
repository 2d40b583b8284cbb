import Yams

/// Reads one mapping of the YAML document, tracking the dotted key path and the line of every value, so that
/// each error names the key and line. Keys that no reader asks for are errors too (a typo is never ignored).
struct ConfigReader {
    let file: String?
    let path: String
    let mapping: Node.Mapping?
    let line: Int?

    init(file: String?, path: String, node: Node?) throws(ConfigurationError) {
        self.file = file
        self.path = path
        line = node?.mark?.line
        switch node {
        case nil:
            mapping = nil
        case .mapping(let mapping)?:
            self.mapping = mapping
        case .scalar(let scalar)? where isNull(scalar):
            mapping = nil
        case let node?:
            throw ConfigurationError(file: file, line: node.mark?.line, key: path, reason: "expected a mapping of keys")
        }
    }

    func node(_ key: String) -> Node? {
        guard let mapping else { return nil }
        for (name, value) in mapping where name.string == key {
            if case .scalar(let scalar) = value, isNull(scalar) { return nil }
            return value
        }
        return nil
    }

    /// The keys of this mapping in file order, for sections whose keys are names the user chooses.
    var keys: [String] { mapping?.map { name, _ in name.string ?? "" } ?? [] }

    func keyPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func error(_ key: String, _ reason: String) -> ConfigurationError {
        ConfigurationError(file: file, line: node(key)?.mark?.line ?? line, key: keyPath(key), reason: reason)
    }

    /// Refuses keys other than `known`, naming the closest known one.
    func rejectUnknownKeys(_ known: [String]) throws(ConfigurationError) {
        guard let mapping else { return }
        for (name, _) in mapping {
            guard let key = name.string, !known.contains(key) else { continue }
            let hint = known.min { editDistance($0, key) < editDistance($1, key) }
                .flatMap { editDistance($0, key) <= 3 ? " (did you mean '\($0)'?)" : nil } ?? ""
            throw ConfigurationError(
                file: file, line: name.mark?.line, key: keyPath(key), reason: "unknown key\(hint)")
        }
    }

    func child(_ key: String) throws(ConfigurationError) -> ConfigReader {
        try ConfigReader(file: file, path: keyPath(key), node: node(key))
    }

    func string(_ key: String) throws(ConfigurationError) -> String? {
        guard let node = node(key) else { return nil }
        guard case .scalar(let scalar) = node else { throw error(key, "expected a single value") }
        return scalar.string
    }

    func string(_ key: String, default value: String) throws(ConfigurationError) -> String {
        try string(key) ?? value
    }

    func int(_ key: String, default value: Int) throws(ConfigurationError) -> Int {
        guard let text = try string(key) else { return value }
        guard let number = Int(text) else { throw error(key, "expected a whole number, got '\(text)'") }
        return number
    }

    func double(_ key: String, default value: Double) throws(ConfigurationError) -> Double {
        guard let text = try string(key) else { return value }
        guard let number = Double(text), number.isFinite else { throw error(key, "expected a number, got '\(text)'") }
        return number
    }

    func bool(_ key: String, default value: Bool) throws(ConfigurationError) -> Bool {
        guard let text = try string(key) else { return value }
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error(key, "expected true or false, got '\(text)'")
        }
    }

    func duration(_ key: String, default value: Duration) throws(ConfigurationError) -> Duration {
        guard let text = try string(key) else { return value }
        do {
            return try parseDuration(text)
        } catch {
            throw self.error(key, error.description)
        }
    }

    func choice<Choice: RawRepresentable & CaseIterable>(_ key: String, default value: Choice) throws(ConfigurationError)
        -> Choice where Choice.RawValue == String
    {
        guard let text = try string(key) else { return value }
        guard let choice = Choice(rawValue: text) else {
            throw error(key, "'\(text)' is not one of \(Choice.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return choice
    }

    /// A flat mapping of strings, such as labels or topic configs.
    func stringMap(_ key: String) throws(ConfigurationError) -> [String: String] {
        guard let node = node(key) else { return [:] }
        guard case .mapping(let mapping) = node else { throw error(key, "expected a mapping of names to values") }
        var result: [String: String] = [:]
        for (name, value) in mapping {
            guard let name = name.string, case .scalar(let scalar) = value else {
                throw error(key, "expected plain values, not nested lists or mappings")
            }
            result[name] = scalar.string
        }
        return result
    }

    /// Each element of a sequence of mappings, as its own reader (`kafka.topics[1]`).
    func list(_ key: String) throws(ConfigurationError) -> [ConfigReader] {
        guard let node = node(key) else { return [] }
        guard case .sequence(let sequence) = node else { throw error(key, "expected a list") }
        var readers: [ConfigReader] = []
        for (index, element) in sequence.enumerated() {
            readers.append(try ConfigReader(file: file, path: "\(keyPath(key))[\(index)]", node: element))
        }
        return readers
    }
}

/// YAML's plain null spellings; a quoted "null" stays a string.
func isNull(_ scalar: Node.Scalar) -> Bool {
    scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string)
}

func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a)
    let b = Array(b)
    var previous = Array(0...b.count)
    for i in 1...max(1, a.count) where !a.isEmpty {
        var current = [i] + Array(repeating: 0, count: b.count)
        for j in 1...max(1, b.count) where !b.isEmpty {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return previous[b.count]
}
