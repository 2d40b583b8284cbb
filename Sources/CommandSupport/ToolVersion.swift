import HTTP
import JPEG
import Kafka

/// What `--version` prints in every tool: the project's version, then the C libraries linked at run time (which
/// may differ from the headers it was built with), read from the libraries themselves.
public enum ToolVersion {
    /// The toolchain's version: all eight tools ship together.
    public static let project = "1.0.0"

    /// The User-Agent a tool sends to Google and Confluent: one shape, so a provider's logs tell the tools apart.
    public static func userAgent(tool: String) -> String {
        "image-pipeline-\(tool)/\(project)"
    }

    public static var text: String {
        """
        image-pipeline \(project)
        librdkafka \(KafkaLibrary.linkedVersionString)
        libcurl \(CurlLibrary.version)
        libjpeg \(JPEGLibrary.version)
        """
    }
}
