/// Kubernetes' naming rules, checked before anything is generated so that a bad name is reported against the key that
/// holds it instead of being refused later by the API server.
public enum KubernetesNames {
    /// An RFC 1123 label (namespaces, Services, container names): at most 63 lowercase letters, digits and '-',
    /// starting and ending with a letter or digit. Returns the problem, if any.
    public static func labelProblem(_ name: String) -> String? {
        if name.isEmpty { return "is empty; a Kubernetes name needs 1 to 63 characters" }
        if name.count > 63 { return "'\(name)' is longer than 63 characters" }
        return partProblem(name, kind: "an RFC 1123 label")
    }

    /// An RFC 1123 subdomain (Secrets, ConfigMaps): dot-separated labels, at most 253 characters.
    public static func subdomainProblem(_ name: String) -> String? {
        if name.isEmpty { return "is empty; a Kubernetes name needs 1 to 253 characters" }
        if name.count > 253 { return "'\(name)' is longer than 253 characters" }
        for part in name.split(separator: ".", omittingEmptySubsequences: false) {
            if let problem = partProblem(String(part), kind: "an RFC 1123 subdomain", whole: name) { return problem }
        }
        return nil
    }

    private static func partProblem(_ part: String, kind: String, whole: String? = nil) -> String? {
        let name = whole ?? part
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789-")
        let isAlphanumeric: (Character) -> Bool = { allowed.contains($0) && $0 != "-" }
        guard !part.isEmpty, part.allSatisfy(allowed.contains), isAlphanumeric(part.first!), isAlphanumeric(part.last!)
        else {
            return "'\(name)' is not \(kind) (lowercase letters, digits and '-', starting and ending with a letter or digit)"
        }
        return nil
    }
}
