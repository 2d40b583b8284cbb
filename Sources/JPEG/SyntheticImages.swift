/// Draws test images that differ for every index and repeat exactly for the same seed and index.
///
/// Each image is a colour-field background chosen by the seed, a block whose colour and place come from a hash of
/// (seed, index), and the index drawn as a 32-bit bar code across the top rows; so no two indexes give the same
/// pixels, and JPEG compression keeps them apart. The background is drawn once per renderer and copied, so that
/// drawing a new image costs little next to encoding it.
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
        makeRenderer().render(index, into: &pixels)
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    /// A renderer for a hot loop; give each thread its own.
    public func makeRenderer() -> SyntheticImageRenderer {
        SyntheticImageRenderer(self)
    }
}
