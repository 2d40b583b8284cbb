import Foundation
import Google
import Testing

struct StorageTests {
    /// RFC 3720 appendix B.4's vectors and the usual check value; sizes either side of the 8-byte stride.
    @Test func crc32cMatchesPublishedVectors() {
        #expect(CRC32C.checksum(Data("123456789".utf8)).value == 0xE306_9283)
        #expect(CRC32C.checksum(Data(repeating: 0, count: 32)).value == 0x8A91_36AA)
        #expect(CRC32C.checksum(Data(repeating: 0xFF, count: 32)).value == 0x62A8_AB43)
        #expect(CRC32C.checksum(Data((0..<32).map(UInt8.init))).value == 0x46DD_794E)
        #expect(CRC32C.checksum(Data()).value == 0)
        // In pieces, the same as in one go.
        let bytes = Data((0..<1000).map { UInt8($0 % 251) })
        var pieces = CRC32C()
        pieces.update(bytes.prefix(3))
        pieces.update(bytes.dropFirst(3).prefix(500))
        pieces.update(bytes.dropFirst(503))
        #expect(pieces == CRC32C.checksum(bytes))
        #expect(CRC32C.checksum(Data("123456789".utf8)).base64 == "4waSgw==")
    }

    @Test func storageLocations() {
        #expect(StorageLocation("gs://bucket/models/classifier")?.prefix == "models/classifier/")
        #expect(StorageLocation("gs://bucket")?.prefix == "")
        #expect(StorageLocation("gs://bucket/a/")?.description == "gs://bucket/a/")
        #expect(StorageLocation("s3://bucket/a") == nil)
        #expect(StorageLocation("gs:///a") == nil)
    }
}
