import Foundation

/// A JPEG whose header claims far more pixels than its data holds: a decoder that trusts the header allocates
/// gigabytes before reading a row. Made from any real baseline JPEG by rewriting the frame header's size.
public func jpegBomb(from jpeg: Data, width: UInt16 = 65_500, height: UInt16 = 65_500) -> Data {
    var bytes = [UInt8](jpeg)
    // SOF0/SOF2 marker, then length (2), precision (1), height (2), width (2).
    guard let marker = bytes.indices.dropLast(8).first(where: { bytes[$0] == 0xFF && (bytes[$0 + 1] == 0xC0 || bytes[$0 + 1] == 0xC2) })
    else { return jpeg }
    bytes[marker + 5] = UInt8(height >> 8)
    bytes[marker + 6] = UInt8(height & 0xFF)
    bytes[marker + 7] = UInt8(width >> 8)
    bytes[marker + 8] = UInt8(width & 0xFF)
    return Data(bytes)
}
