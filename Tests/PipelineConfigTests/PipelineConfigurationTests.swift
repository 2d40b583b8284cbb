import Foundation
import PipelineConfig
import Testing

struct PipelineConfigurationTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func theCommentedExampleParses() throws {
        let configuration = try PipelineConfiguration.load(file: Self.repositoryRoot.appendingPathComponent("pipeline.yaml").path)
        #expect(configuration.google.api == .vertex)
        #expect(configuration.kafka.topics.map(\.name) == ["images", "predictions", "images-dlq", "loadgen-reports"])
        #expect(configuration.streamApp.concurrency >= 1)
        #expect(configuration.load.topic == configuration.streamApp.inputTopic)
        #expect(configuration.load.reportTopic == "loadgen-reports", "the load test's workers meet on a listed topic")
    }

    @Test func aBadReportTopicIsRefused() {
        #expect(throws: ConfigurationError.self) { try PipelineConfiguration.parse("load:\n  report_topic: \"no spaces!\"\n") }
        #expect(throws: Never.self) { try PipelineConfiguration.parse("load:\n  report_topic:\n") }
    }

    @Test func kubernetesDefaultsFollowTheRestOfTheConfiguration() throws {
        let configuration = try PipelineConfiguration.parse(
            """
            google:
              model: {name: resnet}
            kafka:
              topics: [{name: frames, partitions: 8}]
            stream_app:
              input_topic: frames
              replicas: 3
            kubernetes:
              tf_serving: {enabled: true}
              overlays:
                qa: {}
            """)
        let kubernetes = configuration.kubernetes
        #expect(kubernetes.autoscaling.minReplicas == 3, "the autoscaler starts from stream_app.replicas")
        #expect(kubernetes.autoscaling.maxReplicas == 8, "and stops at the input topic's partitions")
        #expect(kubernetes.tfServing.modelBasePath == "/models/resnet")
        #expect(kubernetes.overlays.map(\.name) == ["qa"])
        #expect(kubernetes.overlays.first?.replicas == 3)
        #expect(kubernetes.overlays.first?.resources == configuration.streamApp.resources)
        #expect(try PipelineConfiguration.parse("").kubernetes.overlays.map(\.name) == ["dev", "prod"])
    }

    @Test func emptyDocumentGivesDefaults() throws {
        #expect(try PipelineConfiguration.parse("") == PipelineConfiguration())
        #expect(try PipelineConfiguration.parse("# only a comment\n") == PipelineConfiguration())
    }

    @Test func valuesOverrideDefaults() throws {
        let configuration = try PipelineConfiguration.parse(
            """
            google:
              project: demo-project
              api: ml-engine
              model:
                labels: {team: vision}
            kafka:
              topics:
                - name: in
                  partitions: 12
                  configs:
                    retention.ms: 3600000
            stream_app:
              input_topic: in
              request_timeout: 1500ms
              drain_timeout: 45s
            load:
              rate: 2.5
              duration: 1m30s
            """)
        #expect(configuration.google.project == "demo-project")
        #expect(configuration.google.api == .mlEngine)
        #expect(configuration.google.model.labels == ["team": "vision"])
        #expect(configuration.kafka.topics == [TopicSettings(name: "in", partitions: 12, configs: ["retention.ms": "3600000"])])
        #expect(configuration.streamApp.requestTimeout == .milliseconds(1500))
        #expect(configuration.streamApp.drainTimeout == .seconds(45))
        #expect(configuration.load.topic == "in", "the load topic follows the stream app's input")
        #expect(configuration.load.rate == 2.5)
        #expect(configuration.load.duration == .seconds(90))
    }

    @Test(arguments: [
        ("stream_app:\n  concurency: 4\n", 2, "stream_app.concurency", "did you mean 'concurrency'"),
        ("stream_app:\n  concurrency: many\n", 2, "stream_app.concurrency", "whole number"),
        ("kafka:\n  topics:\n    - name: images\n      partitions: -1\n", 4, "kafka.topics[0].partitions", "at least 1"),
        ("kafka:\n  properties:\n    sasl.password: hunter2\n", 3, "kafka.properties.sasl.password", "secrets"),
        ("load:\n  duration: 10\n", 2, "load.duration", "no unit"),
        ("load:\n  duration: 5x\n", 2, "load.duration", "unknown unit 'x'"),
        ("google:\n  api: cloud-ml\n", 2, "google.api", "vertex, ml-engine"),
        ("kafka:\n  topics:\n    - name: a\n    - name: a\n", 4, "kafka.topics[1].name", "declared twice"),
        ("kafka:\n  topics:\n    - name: a\n      configs:\n        retention_ms: 1\n", 5, "kafka.topics[0].configs", "not a Kafka topic config name"),
        ("stream_app:\n  input_topic: bad name\n", 2, "stream_app.input_topic", "has ' '"),
        ("loadd:\n  rate: 1\n", 1, "loadd", "did you mean 'load'"),
    ])
    func badFilesNameTheKeyAndLine(yaml: String, line: Int, key: String, reason: String) {
        let error = #expect(throws: ConfigurationError.self) { try PipelineConfiguration.parse(yaml, file: "pipeline.yaml") }
        #expect(error?.line == line)
        #expect(error?.key == key)
        #expect(error?.description.contains(reason) == true, "\(error?.description ?? "no error")")
        #expect(error?.description.hasPrefix("pipeline.yaml:\(line): \(key): ") == true)
        #expect(error?.description.contains("hunter2") == false)
    }

    @Test func invalidYAMLNamesTheLine() {
        let error = #expect(throws: ConfigurationError.self) {
            try PipelineConfiguration.parse("kafka:\n  topics: [a\n  b: c\n", file: "p.yaml")
        }
        #expect(error?.line != nil)
        #expect(error?.description.contains("not valid YAML") == true)
    }

    @Test func missingFileIsAClearError() {
        let error = #expect(throws: ConfigurationError.self) { try PipelineConfiguration.load(file: "/no/such/pipeline.yaml") }
        #expect(error?.description.contains("/no/such/pipeline.yaml") == true)
    }
}

struct DurationParsingTests {
    @Test(arguments: [
        ("30s", Duration.seconds(30)), ("5m", .seconds(300)), ("1h", .seconds(3600)), ("250ms", .milliseconds(250)),
        ("1m30s", .seconds(90)), ("1.5s", .milliseconds(1500)), ("0s", .zero), ("100us", .microseconds(100)),
    ])
    func parses(text: String, expected: Duration) throws {
        #expect(try parseDuration(text) == expected)
    }

    @Test(arguments: ["", "10", "5x", "s", "1.2.3s", "-5s"])
    func rejects(text: String) {
        #expect(throws: DurationParseError.self) { try parseDuration(text) }
    }

    @Test func formatsBackToTheSameDuration() throws {
        for text in ["30s", "1h5m", "250ms", "2m"] {
            #expect(formatDuration(try parseDuration(text)) == text)
        }
    }
}
