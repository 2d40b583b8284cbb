import Foundation
import Kubernetes
import PipelineConfig
import Testing

/// The distributed load test's parts of the manifests: one run id per Job run, a common start, a combined report,
/// and no more workers than the input topic has partitions.
struct LoadTestJobTests {
    static func job(_ yaml: String) throws -> (generator: ManifestGenerator, container: [String: Any], spec: [String: Any]) {
        let generator = ManifestGenerator(
            configuration: try PipelineConfiguration.parse(yaml), configurationText: yaml, configurationName: "pipeline.yaml")
        let objects = try ManifestGeneratorTests.objects(generator.files())
        let job = try #require(objects["loadtest/job.yaml"])
        let template = try #require(ManifestGeneratorTests.podTemplates(["job": job]).first)
        return (generator, try #require(template.containers.first), try #require(job["spec"] as? [String: Any]))
    }

    @Test func theExampleRunsADistributedTestThatMeetsAndMerges() throws {
        let (generator, container, spec) = try Self.job(
            try String(contentsOfFile: ManifestGeneratorTests.examplePath, encoding: .utf8))
        #expect((spec["completions"] as? Int ?? 0) >= 3)
        let arguments = try #require(container["args"] as? [String])
        #expect(arguments.contains("--barrier") && arguments.contains("--merge"))
        #expect(arguments.contains("--histogram-log=/reports/latency-$(JOB_COMPLETION_INDEX).hlog"))
        let environment = try #require(container["env"] as? [[String: Any]])
        let runID = try #require(environment.first { $0["name"] as? String == "IMAGE_LOADGEN_RUN_ID" })
        let fieldPath = ((runID["valueFrom"] as? [String: Any])?["fieldRef"] as? [String: Any])?["fieldPath"] as? String
        #expect(fieldPath == "metadata.labels['batch.kubernetes.io/controller-uid']")
        let readme = try #require(generator.files().first { $0.path == "README.md" }?.contents)
        #expect(readme.contains("image-loadgen merge --run-id"))
        #expect(generator.warnings.isEmpty, "\(generator.warnings)")
    }

    @Test func withoutAReportTopicEachPodStartsAlone() throws {
        let (_, container, _) = try Self.job("load:\n  workers: 2\n")
        let arguments = try #require(container["args"] as? [String])
        #expect(!arguments.contains("--barrier") && !arguments.contains("--merge"))
    }

    @Test func workersStayWithinTheInputTopicsPartitionsAndSaySo() throws {
        let (generator, container, spec) = try Self.job(
            """
            kafka:
              topics:
                - name: images
                  partitions: 4
            load:
              workers: 10
              report_topic: loadgen-reports
            """)
        #expect(spec["completions"] as? Int == 4 && spec["parallelism"] as? Int == 4)
        #expect((container["args"] as? [String])?.contains("--workers=4") == true)
        #expect(generator.warnings.contains { $0.contains("load.workers (10) is more than the 4 partitions of images") })
    }
}
