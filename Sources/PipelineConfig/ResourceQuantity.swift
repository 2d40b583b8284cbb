/// A Kubernetes resource quantity (`500m`, `1`, `0.5`, `256Mi`, `1Gi`, `1e3`), as a number, so that limits can be
/// compared with requests before the API server does it.
public struct ResourceQuantity: Sendable, Equatable, Comparable, CustomStringConvertible {
    /// The text as written; the manifests carry it unchanged.
    public let text: String
    /// The amount in base units (cores, bytes).
    public let value: Double

    private static let suffixes: [String: Double] = [
        "n": 1e-9, "u": 1e-6, "m": 1e-3, "": 1, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15, "E": 1e18,
        "Ki": 0x1p10, "Mi": 0x1p20, "Gi": 0x1p30, "Ti": 0x1p40, "Pi": 0x1p50, "Ei": 0x1p60,
    ]

    /// Parses the quantity, or returns nil when Kubernetes would refuse it.
    public init?(_ text: String) {
        let number = text.prefix { $0.isASCII && ($0.isNumber || $0 == "." || $0 == "+") }
        let suffix = text.dropFirst(number.count)
        guard !number.isEmpty, let mantissa = Double(number), mantissa.isFinite else { return nil }
        if let scale = Self.suffixes[String(suffix)] {
            value = mantissa * scale
        } else if let first = suffix.first, first == "e" || first == "E", let exponent = Int(suffix.dropFirst()) {
            value = mantissa * pow10(exponent)
        } else {
            return nil
        }
        self.text = text
    }

    public var description: String { text }

    public static func < (lhs: ResourceQuantity, rhs: ResourceQuantity) -> Bool { lhs.value < rhs.value }
}

private func pow10(_ exponent: Int) -> Double {
    var result = 1.0
    for _ in 0..<abs(exponent) { result *= 10 }
    return exponent < 0 ? 1 / result : result
}
