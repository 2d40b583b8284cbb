/// What `--verify` found when it read the topic back during the run.
public struct VerifyReport: Codable, Sendable, Equatable {
    /// Messages of this run read back.
    public var consumed: UInt64
    /// Delivered image ids never read back.
    public var missing: UInt64
    /// Extra copies read back (an id read twice counts once here).
    public var duplicates: UInt64
    /// Messages that did not decode as JPEG.
    public var corrupt: UInt64
    /// Up to 20 missing ids, to start an investigation.
    public var missingSample: [UInt64]

    public var isClean: Bool { missing == 0 && duplicates == 0 && corrupt == 0 }

    enum CodingKeys: String, CodingKey {
        case consumed, missing, duplicates, corrupt
        case missingSample = "missing_sample"
    }
}
