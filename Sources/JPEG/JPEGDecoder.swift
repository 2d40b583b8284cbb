import CJPEGShim
import Foundation

/// Decodes JPEG to RGB. Corrupt or truncated input throws a `JPEGError`; it never ends the process.
///
/// Like `JPEGEncoder`, one decoder reuses its state and pixel buffer and is not thread-safe.
public final class JPEGDecoder {
    /// The most pixels any image may have, for the whole project: 8192×8192 (64 Mi pixels, 192 MiB of RGB).
    /// A JPEG header is a few bytes and can claim 65500×65500 (12 GiB decoded), so the decoder checks it right
    /// after the header, before libjpeg or this decoder allocates anything for the image, and `dimensions(of:)`
    /// refuses such an image as well. It is far above what image classifiers take (224×224 to about 1024×1024)
    /// and above a 50-megapixel camera's photos.
    public static let maximumPixelCount = 8192 * 8192

    private let handle: OpaquePointer

    public init() throws {
        guard let handle = jpegshim_decoder_new() else {
            throw JPEGError(.unavailable, "libjpeg could not create a decompressor")
        }
        self.handle = handle
    }

    deinit {
        jpegshim_decoder_free(handle)
    }

    /// The image's dimensions, read from its header alone: a cheap check that data is a JPEG.
    public func dimensions(of jpeg: Data) throws -> (width: Int, height: Int) {
        var width: Int32 = 0
        var height: Int32 = 0
        var message = Self.messageBuffer()
        let status = try Self.withBytes(of: jpeg) { bytes in
            jpegshim_read_header(
                handle, bytes.baseAddress, bytes.count, UInt64(Self.maximumPixelCount), &width, &height, &message)
        }
        guard status == 0 else { throw JPEGError(.invalidImage, cMessage: message) }
        return (Int(width), Int(height))
    }

    public func decode(_ jpeg: Data) throws -> RGBImage {
        var pixels: UnsafePointer<UInt8>?
        var width: Int32 = 0
        var height: Int32 = 0
        var message = Self.messageBuffer()
        let status = try Self.withBytes(of: jpeg) { bytes in
            jpegshim_decode_rgb(
                handle, bytes.baseAddress, bytes.count, UInt64(Self.maximumPixelCount), &pixels, &width, &height,
                &message)
        }
        guard status == 0, let pixels else { throw JPEGError(.invalidImage, cMessage: message) }
        let count = Int(width) * Int(height) * 3
        // The decoder owns `pixels` until its next call; the image keeps a copy.
        return RGBImage(
            width: Int(width), height: Int(height), pixels: Array(UnsafeBufferPointer(start: pixels, count: count)))
    }

    private static func withBytes<Result>(
        of jpeg: Data, _ body: (UnsafeBufferPointer<UInt8>) -> Result
    ) throws -> Result {
        guard !jpeg.isEmpty else { throw JPEGError(.invalidImage, "empty input is not a JPEG") }
        return jpeg.withUnsafeBytes { raw in body(raw.bindMemory(to: UInt8.self)) }
    }

    private static func messageBuffer() -> [CChar] {
        [CChar](repeating: 0, count: Int(JPEGSHIM_MESSAGE_CAPACITY))
    }
}
