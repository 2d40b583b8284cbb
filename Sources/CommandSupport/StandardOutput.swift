import Foundation
import Synchronization

/// Results go to standard output unbuffered, so a script reading a pipe sees each line as soon as it is written.
public enum StandardOutput {
    private static let written = Atomic<Bool>(false)

    public static func write(line: String) {
        written.store(true, ordering: .relaxed)
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// Whether a result went out already: with `--output json` standard output then holds a document, and an
    /// error that follows is reported on standard error only, so the output stays one JSON document.
    public static var hasWritten: Bool { written.load(ordering: .relaxed) }
}
