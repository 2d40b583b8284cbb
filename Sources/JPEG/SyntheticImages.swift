/// Draws test images that differ for every index and repeat exactly for the same seed and index.
///
/// Each image is a colour field whose gradients and offsets come from a hash of (seed, index), with the index
/// also drawn as a 32-bit bar code across the top rows, so no two indexes give the same pixels and JPEG
/// compression keeps them apart. Rendering reuses one buffer, so it costs little next to encoding.
public struct SyntheticImages: Sendable {
    public let width: Int
    public let height: Int
    public let seed: UInt64

    public init(width: Int, height: Int, seed: UInt64 = 0) {
        precondition(width > 0 && height > 0, "synthetic images need a positive size")
        self.width = width
        self.height = height
        self.seed = seed
    }

    public func image(_ index: UInt64) -> RGBImage {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        render(index, into: &pixels)
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    /// Renders into `pixels`, which must hold `width × height × 3` bytes; the hot path for encoders.
    public func render(_ index: UInt64, into pixels: inout [UInt8]) {
        precondition(pixels.count == width * height * 3, "pixel buffer does not match \(width)×\(height)")
        var state = seed ^ (index &* 0x9E37_79B9_7F4A_7C15)
        let hash = Self.splitMix64(&state)
        let redStep = Int(hash & 7) + 1
        let greenStep = Int((hash >> 3) & 7) + 1
        let redOffset = Int((hash >> 8) & 0xFF)
        let greenOffset = Int((hash >> 16) & 0xFF)
        let blueOffset = Int((hash >> 24) & 0xFF)
        let barRows = min(height, max(2, height / 8))
        let barWidth = max(1, width / 32)
        let stride = width * 3
        pixels.withUnsafeMutableBufferPointer { buffer in
            // The bar code's rows are all alike: draw the first, copy it down.
            for x in 0..<width {
                let value: UInt8 = (index >> UInt64(min(31, x / barWidth))) & 1 == 1 ? 255 : 0
                buffer[x * 3] = value
                buffer[x * 3 + 1] = value
                buffer[x * 3 + 2] = value
            }
            let base = buffer.baseAddress!
            for y in 1..<barRows {
                (base + y * stride).update(from: base, count: stride)
            }
            var offset = barRows * stride
            for y in barRows..<height {
                let green = UInt8(truncatingIfNeeded: y &* greenStep &+ greenOffset)
                var red = redOffset
                for x in 0..<width {
                    buffer[offset] = UInt8(truncatingIfNeeded: red)
                    buffer[offset + 1] = green
                    buffer[offset + 2] = UInt8(truncatingIfNeeded: (x ^ y) &+ blueOffset)
                    red &+= redStep
                    offset += 3
                }
            }
        }
    }

    private static func splitMix64(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
