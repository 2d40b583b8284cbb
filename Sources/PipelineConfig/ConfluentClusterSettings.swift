import Foundation

/// The Confluent Cloud cluster `cluster-provision` creates (`kafka.cluster:`), and the service accounts named
/// after it. Its environment is `kafka.environment`.
public struct ConfluentClusterSettings: Sendable, Equatable {
    public enum Cloud: String, Sendable, CaseIterable {
        case gcp = "GCP", aws = "AWS", azure = "AZURE"
    }

    /// Confluent's cluster types; Dedicated takes a number of CKUs.
    public enum Kind: String, Sendable, CaseIterable {
        case basic = "Basic", standard = "Standard", dedicated = "Dedicated"
    }

    public enum Availability: String, Sendable, CaseIterable {
        case singleZone = "SINGLE_ZONE", multiZone = "MULTI_ZONE"
    }

    /// The cluster's display name, by which `apply` finds it again. Default: `image-pipeline`.
    public var name = "image-pipeline"
    /// Default: `GCP`, next to the model.
    public var cloud = Cloud.gcp
    /// Default: none, which means `google.region`.
    public var region: String?
    /// Default: `Basic`.
    public var kind = Kind.basic
    /// Confluent Kafka Units, Dedicated only. Default: 1 (2 for MULTI_ZONE, Confluent's minimum).
    public var ckus: Int?
    /// Default: `SINGLE_ZONE`.
    public var availability = Availability.singleZone

    public init() {}

    init(_ reader: ConfigReader) throws(ConfigurationError) {
        try reader.rejectUnknownKeys(["name", "cloud", "region", "type", "ckus", "availability"])
        name = try reader.string("name", default: name)
        guard name.range(of: "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", options: .regularExpression) != nil else {
            throw reader.error("name", "'\(name)' is not a cluster name: use up to 64 letters, digits, '.', '_' and '-'")
        }
        cloud = try Self.choice(reader, "cloud", default: cloud)
        region = try reader.string("region")
        kind = try Self.choice(reader, "type", default: kind)
        availability = try Self.choice(reader, "availability", default: availability)
        if reader.node("ckus") != nil {
            let ckus = try reader.int("ckus", default: 1)
            guard kind == .dedicated else { throw reader.error("ckus", "only a Dedicated cluster has CKUs; remove ckus or set type: Dedicated") }
            guard ckus >= (availability == .multiZone ? 2 : 1) else {
                throw reader.error("ckus", "a \(availability.rawValue) Dedicated cluster needs at least \(availability == .multiZone ? 2 : 1) CKUs")
            }
            self.ckus = ckus
        }
    }

    /// Accepts any letter case (`basic`, `single_zone`, `single-zone`) and names the nearest choice for a typo.
    static func choice<Choice: RawRepresentable & CaseIterable>(
        _ reader: ConfigReader, _ key: String, default value: Choice
    ) throws(ConfigurationError) -> Choice where Choice.RawValue == String {
        guard let text = try reader.string(key) else { return value }
        let normalized = text.uppercased().replacingOccurrences(of: "-", with: "_")
        if let match = Choice.allCases.first(where: { $0.rawValue.uppercased() == normalized }) { return match }
        let names = Choice.allCases.map(\.rawValue)
        let nearest = names.min { editDistance($0.uppercased(), normalized) < editDistance($1.uppercased(), normalized) }
        throw reader.error(
            key, "'\(text)' is not one of \(names.joined(separator: ", "))" + (nearest.map { "; did you mean \($0)?" } ?? ""))
    }

    /// The CKUs to ask for: the configured number, or Confluent's minimum for the availability.
    public var dedicatedCKUs: Int { ckus ?? (availability == .multiZone ? 2 : 1) }
}
