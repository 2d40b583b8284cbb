/// Where the images come from.
public enum ImageSource: Sendable, Equatable {
    /// Synthetic images encoded with libjpeg; `pool` 0 encodes every message afresh.
    case synthetic(width: Int, height: Int, quality: Int, pool: Int, encoders: Int, seed: UInt64)
    /// Every `.jpg`/`.jpeg` file in a folder, sent in turn.
    case folder(String)
}
