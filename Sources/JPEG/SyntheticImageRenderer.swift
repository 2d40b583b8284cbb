/// Renders synthetic images into a caller's buffer, reusing the background it drew once.
public final class SyntheticImageRenderer {
    public let images: SyntheticImages
    private let background: [UInt8]

    init(_ images: SyntheticImages) {
        self.images = images
        var random = SplitMix64(seed: images.seed)
        let hash = random.next()
        let redStep = Int(hash & 7) + 1
        let greenStep = Int((hash >> 3) & 7) + 1
        let redOffset = Int((hash >> 8) & 0xFF)
        let greenOffset = Int((hash >> 16) & 0xFF)
        let blueOffset = Int((hash >> 24) & 0xFF)
        var background = [UInt8](repeating: 0, count: images.width * images.height * 3)
        var offset = 0
        for y in 0..<images.height {
            for x in 0..<images.width {
                background[offset] = UInt8(truncatingIfNeeded: x &* redStep &+ redOffset)
                background[offset + 1] = UInt8(truncatingIfNeeded: y &* greenStep &+ greenOffset)
                background[offset + 2] = UInt8(truncatingIfNeeded: (x ^ y) &+ blueOffset)
                offset += 3
            }
        }
        self.background = background
    }

    /// Renders image `index` into `pixels`, which must hold `width × height × 3` bytes.
    public func render(_ index: UInt64, into pixels: inout [UInt8]) {
        let width = images.width
        let height = images.height
        let stride = width * 3
        precondition(pixels.count == height * stride, "pixel buffer does not match \(width)×\(height)")
        var random = SplitMix64(seed: images.seed ^ (index &* 0x9E37_79B9_7F4A_7C15))
        let hash = random.next()
        let blockWidth = max(1, width / 2)
        let blockHeight = max(1, height / 2)
        let blockX = Int(hash % UInt64(width - blockWidth + 1))
        let blockY = Int((hash >> 20) % UInt64(height - blockHeight + 1))
        let colour = (UInt8(truncatingIfNeeded: hash >> 40), UInt8(truncatingIfNeeded: hash >> 48), UInt8(truncatingIfNeeded: hash >> 56))
        let barRows = min(height, max(2, height / 8))
        let barWidth = max(1, width / 32)

        pixels.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            background.withUnsafeBufferPointer { base.update(from: $0.baseAddress!, count: $0.count) }
            // The block: one row drawn, then copied down.
            let blockRow = base + blockY * stride + blockX * 3
            for x in 0..<blockWidth {
                blockRow[x * 3] = colour.0
                blockRow[x * 3 + 1] = colour.1
                blockRow[x * 3 + 2] = colour.2
            }
            for y in 1..<blockHeight {
                (blockRow + y * stride).update(from: blockRow, count: blockWidth * 3)
            }
            // The bar code's rows are all alike too.
            for x in 0..<width {
                let value: UInt8 = (index >> UInt64(min(31, x / barWidth))) & 1 == 1 ? 255 : 0
                base[x * 3] = value
                base[x * 3 + 1] = value
                base[x * 3 + 2] = value
            }
            for y in 1..<barRows {
                (base + y * stride).update(from: base, count: stride)
            }
        }
    }
}
