/// A container image reference: one word, pinned to a version tag or a digest. `latest` (said or implied) is
/// refused: it moves, so a restarted pod could run other code than its neighbours, and no rollout would show it.
func imageProblem(_ image: String) -> String? {
    let example = "give an image pinned to a version, such as registry.example.com/image-pipeline:1.0.0, or to a digest (@sha256:…)"
    if image.isEmpty { return "is empty; \(example)" }
    if image.contains(where: { $0.isWhitespace }) { return "'\(image)' is not an image reference (it has a space)" }
    if let at = image.firstIndex(of: "@") {
        let digest = image[image.index(after: at)...]
        guard digest.hasPrefix("sha256:"), digest.count == 71, digest.dropFirst(7).allSatisfy(\.isHexDigit) else {
            return "'\(image)' has a malformed digest; expected @sha256: and 64 hex digits"
        }
        return nil
    }
    // A colon after the last slash starts the tag; one before it belongs to a registry's port.
    let name = image.split(separator: "/").last ?? ""
    guard let colon = name.lastIndex(of: ":") else { return "'\(image)' has no tag, which means latest; \(example)" }
    if name[name.index(after: colon)...] == "latest" { return "'\(image)' is tagged latest; \(example)" }
    return nil
}
