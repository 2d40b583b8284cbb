/// A YAML value whose mappings keep the order they were written in, so that generated manifests read the way
/// Kubernetes documentation writes them (`apiVersion`, `kind`, `metadata`, `spec`) and are byte-identical from one
/// run to the next. Write objects as literals: `["kind": "Service", "spec": ["ports": [...]]]`.
public indirect enum KubernetesYAMLNode: Sendable, Equatable {
    case string(String)
    case integer(Int)
    case boolean(Bool)
    case sequence([KubernetesYAMLNode])
    case mapping([(String, KubernetesYAMLNode)])

    public static func == (lhs: KubernetesYAMLNode, rhs: KubernetesYAMLNode) -> Bool {
        switch (lhs, rhs) {
        case (.string(let a), .string(let b)): a == b
        case (.integer(let a), .integer(let b)): a == b
        case (.boolean(let a), .boolean(let b)): a == b
        case (.sequence(let a), .sequence(let b)): a == b
        case (.mapping(let a), .mapping(let b)): a.map(\.0) == b.map(\.0) && a.map(\.1) == b.map(\.1)
        default: false
        }
    }

    /// The value at `key` of a mapping.
    public subscript(key: String) -> KubernetesYAMLNode? {
        guard case .mapping(let pairs) = self else { return nil }
        return pairs.first { $0.0 == key }?.1
    }

    /// Appends `key: value` to a mapping; used for the parts of an object that depend on the configuration.
    public mutating func append(_ key: String, _ value: KubernetesYAMLNode) {
        guard case .mapping(var pairs) = self else { preconditionFailure("append(_:_:) on a non-mapping node") }
        pairs.append((key, value))
        self = .mapping(pairs)
    }
}

extension KubernetesYAMLNode: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .integer(value) }
    public init(booleanLiteral value: Bool) { self = .boolean(value) }
    public init(arrayLiteral elements: KubernetesYAMLNode...) { self = .sequence(elements) }
    public init(dictionaryLiteral elements: (String, KubernetesYAMLNode)...) { self = .mapping(elements) }
}

// MARK: - Emitting

extension KubernetesYAMLNode {
    /// Block-style YAML, two-space indentation, sequences indented under their key, strings quoted whenever a
    /// plain scalar could be read back as anything but the same string (YAML 1.1 and 1.2 alike).
    public var yaml: String {
        var output = ""
        switch self {
        case .mapping(let pairs) where !pairs.isEmpty: emitMapping(pairs, indent: 0, into: &output)
        case .sequence(let items) where !items.isEmpty: emitSequence(items, indent: 0, into: &output)
        default: output = inlineScalar(indent: 0) + "\n"
        }
        return output
    }

    private var isCollectionWithContent: Bool {
        switch self {
        case .mapping(let pairs): !pairs.isEmpty
        case .sequence(let items): !items.isEmpty
        default: false
        }
    }

    private func emitMapping(_ pairs: [(String, KubernetesYAMLNode)], indent: Int, into output: inout String) {
        let padding = String(repeating: " ", count: indent)
        for (index, (key, value)) in pairs.enumerated() {
            // The first key of a mapping inside a sequence follows the "- " on the same line.
            if index > 0 || !output.hasSuffix("- ") { output += padding }
            output += quotedIfNeeded(key) + ":"
            switch value {
            case .mapping(let nested) where !nested.isEmpty:
                output += "\n"
                emitMapping(nested, indent: indent + 2, into: &output)
            case .sequence(let items) where !items.isEmpty:
                output += "\n"
                emitSequence(items, indent: indent + 2, into: &output)
            default:
                output += " " + value.inlineScalar(indent: indent + 2) + "\n"
            }
        }
    }

    private func emitSequence(_ items: [KubernetesYAMLNode], indent: Int, into output: inout String) {
        let padding = String(repeating: " ", count: indent)
        for item in items {
            output += padding + "- "
            switch item {
            case .mapping(let pairs) where !pairs.isEmpty:
                emitMapping(pairs, indent: indent + 2, into: &output)
            case .sequence(let nested) where !nested.isEmpty:
                output += "\n"
                emitSequence(nested, indent: indent + 2, into: &output)
            default:
                output += item.inlineScalar(indent: indent + 2) + "\n"
            }
        }
    }

    /// A scalar or an empty collection, as it follows `key: ` or `- `.
    private func inlineScalar(indent: Int) -> String {
        switch self {
        case .string(let text) where text.contains("\n"): literalBlock(text, indent: indent)
        case .string(let text): quotedIfNeeded(text)
        case .integer(let number): String(number)
        case .boolean(let flag): flag ? "true" : "false"
        case .sequence: "[]"
        case .mapping: "{}"
        }
    }

    /// `|` keeps a multi-line text (such as a whole configuration file) readable and exact: `|-` when it has no
    /// final newline, `|+` when it has more than one, and an indentation digit when it starts with a space.
    private func literalBlock(_ text: String, indent: Int) -> String {
        let chomping = text.hasSuffix("\n\n") ? "+" : text.hasSuffix("\n") ? "" : "-"
        let indicator = text.first == " " ? "2" : ""
        let padding = String(repeating: " ", count: indent)
        var body = text
        if body.hasSuffix("\n") { body.removeLast() }
        let lines = body.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.isEmpty ? "" : padding + $0 }
        return "|\(indicator)\(chomping)\n" + lines.joined(separator: "\n")
    }
}

private let plainFirst = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_/")
// ':' is plain inside a block scalar unless a space or the end follows it; this writer never emits flow style.
private let plainRest = plainFirst.union("0123456789.-=:@+,")
/// Plain words that YAML 1.1 reads as booleans or null.
private let reservedWords: Set<String> = ["y", "n", "yes", "no", "on", "off", "true", "false", "null"]

/// Plain when the text is a simple word that cannot be mistaken for another type; double-quoted (JSON escapes,
/// which YAML shares) otherwise.
func quotedIfNeeded(_ text: String) -> String {
    // A flag such as `--config=/etc/x` starts with '-', which is only an indicator when a space follows; a relative
    // path such as `../../base` starts with '.', which only matters in `.inf` and `.nan`.
    var body = Substring(text)
    while let prefix = ["--", "../", "./"].first(where: body.hasPrefix) { body = body.dropFirst(prefix.count) }
    if let first = body.first, plainFirst.contains(first), body.allSatisfy(plainRest.contains), text.last != ":",
        !reservedWords.contains(text.lowercased())
    {
        return text
    }
    var quoted = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": quoted += "\\\""
        case "\\": quoted += "\\\\"
        case "\n": quoted += "\\n"
        case "\t": quoted += "\\t"
        case _ where scalar.value < 0x20 || scalar.value == 0x7F:
            let hex = String(scalar.value, radix: 16)
            quoted += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        default: quoted.unicodeScalars.append(scalar)
        }
    }
    return quoted + "\""
}
