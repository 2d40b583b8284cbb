import CJPEGShim
import Foundation

/// Encodes RGB images to JPEG in memory.
///
/// One encoder keeps its libjpeg state and output buffer between images, so a loop that reuses it allocates only
/// the `Data` it returns. An encoder is not thread-safe: give each thread its own.
public final class JPEGEncoder {
    private let handle: OpaquePointer

    /// JPEG quality, 1 (smallest) to 100 (best). Default: 90.
    public var quality: Int

    public init(quality: Int = 90) throws {
        guard (1...100).contains(quality) else {
            throw JPEGError(.invalidArgument, "quality must be between 1 and 100, got \(quality)")
        }
        guard let handle = jpegshim_encoder_new() else {
            throw JPEGError(.unavailable, "libjpeg could not create a compressor")
        }
        self.handle = handle
        self.quality = quality
    }

    deinit {
        jpegshim_encoder_free(handle)
    }

    public func encode(_ image: RGBImage) throws -> Data {
        try encode(rgb: image.pixels, width: image.width, height: image.height)
    }

    public func encode(rgb: [UInt8], width: Int, height: Int) throws -> Data {
        guard width > 0, height > 0, width <= 65_500, height <= 65_500 else {
            throw JPEGError(.invalidArgument, "image size \(width)×\(height) is outside JPEG's 1…65500 pixels per side")
        }
        guard rgb.count >= width * height * 3 else {
            throw JPEGError(.invalidArgument, "\(rgb.count) bytes of RGB are too few for \(width)×\(height)")
        }
        var output: UnsafePointer<UInt8>?
        var length = 0
        var message = [CChar](repeating: 0, count: Int(JPEGSHIM_MESSAGE_CAPACITY))
        let status = rgb.withUnsafeBufferPointer { pixels in
            jpegshim_encode_rgb(
                handle, pixels.baseAddress, Int32(width), Int32(height), Int32(quality), &output, &length, &message)
        }
        guard status == 0, let output else {
            throw JPEGError(.encodeFailed, cMessage: message)
        }
        // The encoder owns `output` and overwrites it on the next call, so the caller gets a copy.
        return Data(bytes: output, count: length)
    }
}
