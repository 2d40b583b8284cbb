extension String {
    /// The text's lines, trimmed and joined with one space (blank ones dropped): a peer's or a library's message may
    /// hold newlines, and an error's description must stay on one line.
    public var onOneLine: String {
        split(whereSeparator: \.isNewline).compactMap { line -> Substring? in
            let start = line.drop(while: \.isWhitespace)
            guard let last = start.lastIndex(where: { !$0.isWhitespace }) else { return nil }
            return start[...last]
        }.joined(separator: " ")
    }
}
