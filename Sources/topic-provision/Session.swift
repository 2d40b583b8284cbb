import CommandSupport
import Confluent
import PipelineConfig

/// Everything a subcommand needs once the input is checked: the declared topics and a connected provisioner.
struct Session {
    let desired: [TopicSettings]
    let provisioner: TopicProvisioner
    let output: OutputFormat

    var clusterID: String { provisioner.client.clusterID }

    /// Results to standard output, as lines of text or as one JSON document.
    func emit(text: [String], json: String) {
        switch output {
        case .text: text.forEach(StandardOutput.write(line:))
        case .json: StandardOutput.write(line: json)
        }
    }
}
