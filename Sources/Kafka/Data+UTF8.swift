import Foundation

extension Data {
    /// The UTF-8 bytes of a string, copied straight from its storage: `Data(string.utf8)` goes through a generic
    /// sequence initializer with dynamic casts, which shows up when millions of headers are built.
    public init(utf8Of string: String) {
        var string = string
        self = string.withUTF8 { Data(buffer: $0) }
    }
}
