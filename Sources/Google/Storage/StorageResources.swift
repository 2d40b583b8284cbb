import Foundation

/// The parts of a Cloud Storage `Object` this project reads and writes.
public struct StorageObject: Codable, Sendable, Equatable {
    public var name: String
    /// Bytes, as a decimal string (Google's JSON mapping of uint64).
    public var size: String?
    /// Base64 of the big-endian CRC32C; sent with an upload so that Cloud Storage checks what it received.
    public var crc32c: String?
    public var md5Hash: String?

    public init(name: String, size: String? = nil, crc32c: String? = nil) {
        self.name = name
        self.size = size
        self.crc32c = crc32c
    }
}

struct StorageObjectList: Decodable {
    var items: [StorageObject]?
    var nextPageToken: String?
}
