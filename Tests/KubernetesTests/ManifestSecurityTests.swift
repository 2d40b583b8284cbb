import Foundation
import Kubernetes
import PipelineConfig
import Testing
import Yams

/// Pinned images, a NetworkPolicy per workload and the choice of how Kafka credentials arrive.
struct ManifestSecurityTests {
    static func configuration(_ yaml: String) throws -> PipelineConfiguration {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("security-\(UUID()).yaml").path
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try PipelineConfiguration.load(file: path)
    }

    static func objects(_ yaml: String) throws -> [String: [String: Any]] {
        let generator = ManifestGenerator(configuration: try configuration(yaml), configurationText: yaml, configurationName: "test.yaml")
        return try ManifestGeneratorTests.objects(generator.files())
    }

    @Test(arguments: [
        ("image-pipeline", "has no tag, which means latest"),
        ("registry.example.com:5000/image-pipeline", "has no tag, which means latest"),
        ("image-pipeline:latest", "is tagged latest"),
        ("image-pipeline@sha256:1234", "has a malformed digest"),
    ])
    func unpinnedImagesAreRefused(image: String, reason: String) {
        #expect {
            try Self.configuration("stream_app:\n  image: \(image)\n")
        } throws: { error in
            "\(error)".contains("stream_app.image: '\(image)' \(reason)")
        }
        #expect {
            try Self.configuration("kubernetes:\n  tf_serving:\n    image: \(image)\n")
        } throws: { error in
            "\(error)".contains("'\(image)' \(reason)")
        }
    }

    @Test func aTagIsPulledAlwaysAndADigestOnlyIfMissing() throws {
        let digest = "registry.example.com:5000/image-pipeline:2.0@sha256:" + String(repeating: "ab", count: 32)
        for (image, policy) in [("registry.example.com:5000/image-pipeline:2.0", "Always"), (digest, "IfNotPresent")] {
            let objects = try Self.objects("stream_app:\n  image: \(image)\n")
            for path in ["base/deployment.yaml", "loadtest/job.yaml"] {
                let object = try #require(objects[path])
                let container = try #require(ManifestGeneratorTests.podTemplates([path: object]).first?.containers.first)
                #expect(container["image"] as? String == image)
                #expect(container["imagePullPolicy"] as? String == policy)
            }
        }
    }

    @Test func everyWorkloadHasANetworkPolicyOpeningOnlyWhatItNeeds() throws {
        let objects = try Self.objects(
            "kubernetes:\n  tf_serving:\n    enabled: true\n  network_policy:\n    kafka_ports: [9092, 9093]\n")
        let app = try #require(objects["base/networkpolicy.yaml"]?["spec"] as? [String: Any])
        #expect(app["policyTypes"] as? [String] == ["Ingress", "Egress"])
        let ingress = try #require(app["ingress"] as? [[String: Any]])
        #expect(ingress.count == 1 && ingress[0]["from"] == nil)
        #expect((ingress[0]["ports"] as? [[String: Any]])?.map { $0["port"] as? Int } == [8080])
        let egress = try #require(app["egress"] as? [[String: Any]])
        #expect(egress.map { ($0["ports"] as? [[String: Any]])?.compactMap { $0["port"] as? Int } ?? [] } == [[53, 53], [9092, 9093], [8501]])
        #expect(egress[2]["to"] != nil, "the model server only by its pods' label")

        let model = try #require(objects["base/tf-serving-networkpolicy.yaml"]?["spec"] as? [String: Any])
        #expect(((model["ingress"] as? [[String: Any]])?.first?["from"] as? [[String: Any]]) != nil)
        #expect((model["egress"] as? [[String: Any]])?.count == 1, "DNS only: the model is in the image")

        let loadTest = try #require(objects["loadtest/networkpolicy.yaml"]?["spec"] as? [String: Any])
        #expect((loadTest["ingress"] as? [Any])?.isEmpty == true)
        #expect((loadTest["egress"] as? [[String: Any]])?.count == 2)
    }

    @Test func theModelPortFollowsTheModelURLAndPoliciesCanBeTurnedOff() throws {
        let external = try Self.objects("stream_app:\n  model_url: https://models.example.com:8443/v1/models/m:predict\n")
        let egress = try #require((external["base/networkpolicy.yaml"]?["spec"] as? [String: Any])?["egress"] as? [[String: Any]])
        #expect((egress.last?["ports"] as? [[String: Any]])?.first?["port"] as? Int == 8443)
        let off = try Self.objects("kubernetes:\n  network_policy:\n    enabled: false\n")
        #expect(!off.keys.contains { $0.hasSuffix("networkpolicy.yaml") })
        #expect(throws: ConfigurationError.self) { try Self.configuration("kubernetes:\n  network_policy:\n    kafka_ports: [0]\n") }
    }

    @Test func kafkaCredentialsAsEnvironmentWhenChosen() throws {
        let objects = try Self.objects("kubernetes:\n  kafka_credentials: env\n")
        let container = try #require(ManifestGeneratorTests.podTemplates(objects).first { $0.path == "base/deployment.yaml" }?.containers.first)
        let names = (container["env"] as? [[String: Any]])?.compactMap { $0["name"] as? String } ?? []
        #expect(names.contains("KAFKA_API_KEY") && names.contains("KAFKA_API_SECRET") && !names.contains("KAFKA_API_KEY_FILE"))
        #expect((objects["base/deployment.yaml"]?["metadata"] as? [String: Any])?["annotations"] == nil, "no scanner skip: env is flagged")
    }
}
