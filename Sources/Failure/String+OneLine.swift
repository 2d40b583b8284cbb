extension String {
    /// The text with its line breaks turned into spaces: a peer's or a library's message may hold newlines, and an
    /// error's description must stay on one line.
    public var onOneLine: String {
        split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
