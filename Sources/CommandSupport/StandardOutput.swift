import Foundation

/// Results go to standard output unbuffered, so a script reading a pipe sees each line as soon as it is written.
public enum StandardOutput {
    public static func write(line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}
