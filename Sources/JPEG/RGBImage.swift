/// Packed 8-bit RGB pixels, row by row with no padding.
public struct RGBImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(pixels.count == width * height * 3, "RGB image needs width × height × 3 bytes")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// The mean of each channel, in the order red, green, blue.
    public var channelMeans: (red: Double, green: Double, blue: Double) {
        var sums = (0, 0, 0)
        pixels.withUnsafeBufferPointer { buffer in
            var index = 0
            while index < buffer.count {
                sums.0 += Int(buffer[index])
                sums.1 += Int(buffer[index + 1])
                sums.2 += Int(buffer[index + 2])
                index += 3
            }
        }
        let count = Double(max(1, width * height))
        return (Double(sums.0) / count, Double(sums.1) / count, Double(sums.2) / count)
    }
}
