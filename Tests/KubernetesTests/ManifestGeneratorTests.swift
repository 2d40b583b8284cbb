import Foundation
import Kubernetes
import PipelineConfig
import Testing
import Yams

/// The generated objects, read back as YAML: what a cluster would receive.
struct ManifestGeneratorTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let examplePath = repositoryRoot.appendingPathComponent("pipeline.yaml").path
    static let everythingPath = repositoryRoot.appendingPathComponent("Tests/KubernetesTests/Fixtures/everything.yaml").path

    static func generator(_ path: String) throws -> ManifestGenerator {
        ManifestGenerator(
            configuration: try PipelineConfiguration.load(file: path),
            configurationText: try String(contentsOfFile: path, encoding: .utf8), configurationName: "pipeline.yaml")
    }

    static func objects(_ files: [ManifestFile], kinds: Set<ManifestFile.Kind> = [.object, .standaloneObject, .customObject])
        throws -> [String: [String: Any]]
    {
        var objects: [String: [String: Any]] = [:]
        for file in files where kinds.contains(file.kind) {
            objects[file.path] = try #require(try Yams.load(yaml: file.contents) as? [String: Any], "\(file.path)")
        }
        return objects
    }

    /// Every container of every pod template, with the pod spec it belongs to.
    static func podTemplates(_ objects: [String: [String: Any]]) -> [(path: String, pod: [String: Any], containers: [[String: Any]])] {
        objects.sorted { $0.key < $1.key }.compactMap { path, object in
            let spec = object["spec"] as? [String: Any]
            guard let template = spec?["template"] as? [String: Any], let pod = template["spec"] as? [String: Any] else {
                return nil
            }
            return (path, pod, pod["containers"] as? [[String: Any]] ?? [])
        }
    }

    @Test(arguments: [examplePath, everythingPath])
    func outputIsByteIdenticalFromRunToRun(path: String) throws {
        let first = try Self.generator(path).files()
        let second = try Self.generator(path).files()
        #expect(first == second)
        #expect(Set(first.map(\.path)).count == first.count, "no path is generated twice")
        for file in first {
            #expect(file.contents.hasPrefix("# \(ManifestFile.generatedMarker)") || file.contents.hasPrefix("<!-- \(ManifestFile.generatedMarker)"))
        }
    }

    @Test(arguments: [examplePath, everythingPath])
    func everyPodIsLockedDownProbedAndBounded(path: String) throws {
        let templates = Self.podTemplates(try Self.objects(try Self.generator(path).files()))
        #expect(templates.count >= 2)
        for (file, pod, containers) in templates {
            let podContext = try #require(pod["securityContext"] as? [String: Any], "\(file)")
            #expect(podContext["runAsNonRoot"] as? Bool == true, "\(file)")
            #expect(podContext["runAsUser"] as? Int == 10001, "\(file)")
            #expect((podContext["seccompProfile"] as? [String: Any])?["type"] as? String == "RuntimeDefault", "\(file)")
            #expect(pod["automountServiceAccountToken"] as? Bool == false, "\(file)")
            #expect(!containers.isEmpty)
            for container in containers {
                let context = try #require(container["securityContext"] as? [String: Any], "\(file)")
                #expect(context["allowPrivilegeEscalation"] as? Bool == false, "\(file)")
                #expect(context["readOnlyRootFilesystem"] as? Bool == true, "\(file)")
                #expect(context["runAsNonRoot"] as? Bool == true, "\(file)")
                #expect((context["capabilities"] as? [String: Any])?["drop"] as? [String] == ["ALL"], "\(file)")
                let resources = try #require(container["resources"] as? [String: Any], "\(file)")
                for section in ["requests", "limits"] {
                    let values = try #require(resources[section] as? [String: Any], "\(file) \(section)")
                    #expect(values["cpu"] is String && values["memory"] is String, "\(file) \(section)")
                }
                #expect((container["volumeMounts"] as? [[String: Any]])?.contains { $0["mountPath"] as? String == "/tmp" } == true)
            }
        }
    }

    @Test func theStreamAppIsProbedScrapedSpreadAndDrainsWithinItsGracePeriod() throws {
        let configuration = try PipelineConfiguration.load(file: Self.everythingPath)
        let objects = try Self.objects(try Self.generator(Self.everythingPath).files())
        let deployment = try #require(objects["base/deployment.yaml"])
        let spec = try #require(deployment["spec"] as? [String: Any])
        #expect(spec["replicas"] == nil, "KEDA owns the replica count")
        let template = try #require(spec["template"] as? [String: Any])
        let annotations = try #require((template["metadata"] as? [String: Any])?["annotations"] as? [String: String])
        #expect(annotations["prometheus.io/scrape"] == "true")
        #expect(annotations["prometheus.io/port"] == String(configuration.streamApp.httpPort))
        #expect(annotations["prometheus.io/path"] == "/metrics")
        let pod = try #require(template["spec"] as? [String: Any])
        let spread = try #require(pod["topologySpreadConstraints"] as? [[String: Any]])
        #expect(spread.compactMap { $0["topologyKey"] as? String } == ["topology.kubernetes.io/zone", "kubernetes.io/hostname"])
        let container = try #require((pod["containers"] as? [[String: Any]])?.first)
        #expect(((container["startupProbe"] as? [String: Any])?["httpGet"] as? [String: Any])?["path"] as? String == "/healthz")
        #expect(((container["livenessProbe"] as? [String: Any])?["httpGet"] as? [String: Any])?["path"] as? String == "/healthz")
        #expect(((container["readinessProbe"] as? [String: Any])?["httpGet"] as? [String: Any])?["path"] as? String == "/readyz")
        #expect((container["ports"] as? [[String: Any]])?.first?["containerPort"] as? Int == configuration.streamApp.httpPort)

        let arguments = try #require(container["args"] as? [String])
        #expect(arguments.contains("--drain-timeout=45s"))
        #expect(arguments.contains("--model-url=http://tf-serving.vision.svc:8501/v1/models/resnet:predict"))
        let preStop = try #require(
            (((container["lifecycle"] as? [String: Any])?["preStop"] as? [String: Any])?["exec"] as? [String: Any])?["command"]
                as? [String])
        #expect(preStop == ["sleep", "3"])
        let grace = try #require(pod["terminationGracePeriodSeconds"] as? Int)
        #expect(grace > 3 + 45, "SIGTERM comes after the preStop sleep, and the drain must finish before the kill")

        // Credentials only by reference to the configured Secret: the brokers as a variable, the key as files.
        let environment = try #require(container["env"] as? [[String: Any]])
        let variable = try #require(environment.first { $0["name"] as? String == "KAFKA_BOOTSTRAP_SERVERS" })
        #expect(variable["value"] == nil)
        let reference = (variable["valueFrom"] as? [String: Any])?["secretKeyRef"] as? [String: Any]
        #expect(reference?["name"] as? String == "vision-credentials")
        #expect(reference?["key"] as? String == "KAFKA_BOOTSTRAP_SERVERS")
        for name in ["KAFKA_API_KEY", "KAFKA_API_SECRET"] {
            #expect(!environment.contains { $0["name"] as? String == name })
            let file = try #require(environment.first { $0["name"] as? String == name + "_FILE" })
            #expect(file["value"] as? String == "/var/run/secrets/kafka/\(name)")
        }
    }

    /// Without brokers in the configuration the pod must not start without them: the tools would start an
    /// embedded cluster and look healthy while reading nothing.
    @Test(arguments: [(examplePath, false), (everythingPath, true)])
    func brokersAreRequiredFromTheSecretUnlessConfigured(path: String, optional: Bool) throws {
        let objects = try Self.objects(try Self.generator(path).files())
        for (file, _, containers) in Self.podTemplates(objects) where file != "base/tf-serving-deployment.yaml" {
            let environment = try #require(containers.first?["env"] as? [[String: Any]], "\(file)")
            let brokers = try #require(environment.first { $0["name"] as? String == "KAFKA_BOOTSTRAP_SERVERS" }, "\(file)")
            let reference = (brokers["valueFrom"] as? [String: Any])?["secretKeyRef"] as? [String: Any]
            #expect(reference?["optional"] as? Bool == optional, "\(file)")
        }
    }

    @Test func aLoopbackModelURLWithoutInClusterServingIsWarnedAbout() throws {
        var configuration = try PipelineConfiguration.load(file: Self.examplePath)
        configuration.kubernetes.tfServing.enabled = false
        let warned = ManifestGenerator(configuration: configuration, configurationText: "", configurationName: "p.yaml")
        #expect(warned.warnings.count == 1)
        #expect(warned.warnings.first?.contains("stream_app.model_url") == true)
        #expect(try Self.generator(Self.examplePath).warnings.isEmpty, "TF Serving in the cluster replaces the URL")
    }

    @Test func kedaScalesOnLagWithinThePartitionCount() throws {
        let objects = try Self.objects(try Self.generator(Self.everythingPath).files())
        #expect(objects["base/horizontalpodautoscaler.yaml"] == nil, "two autoscalers would fight over the Deployment")
        let scaledObject = try #require(objects["base/keda-scaledobject.yaml"])
        #expect(scaledObject["apiVersion"] as? String == "keda.sh/v1alpha1")
        let spec = try #require(scaledObject["spec"] as? [String: Any])
        #expect(spec["maxReplicaCount"] as? Int == 12)
        #expect((spec["scaleTargetRef"] as? [String: Any])?["name"] as? String == "inference-app")
        let trigger = try #require((spec["triggers"] as? [[String: Any]])?.first)
        #expect(trigger["type"] as? String == "kafka")
        let metadata = try #require(trigger["metadata"] as? [String: String])
        #expect(metadata["topic"] == "images")
        #expect(metadata["consumerGroup"] == "inference-app")
        #expect(metadata["lagThreshold"] == "250")
        let authentication = try #require(objects["base/keda-triggerauthentication.yaml"])
        let references = try #require((authentication["spec"] as? [String: Any])?["secretTargetRef"] as? [[String: String]])
        #expect(references.map { $0["key"] } == ["KAFKA_API_KEY", "KAFKA_API_SECRET"])
        #expect(references.allSatisfy { $0["name"] == "vision-credentials" })
    }

    @Test func tfServingIsProbedOnItsModelStatus() throws {
        let objects = try Self.objects(try Self.generator(Self.everythingPath).files())
        let deployment = try #require(objects["base/tf-serving-deployment.yaml"])
        let template = try #require(Self.podTemplates(["d": deployment]).first)
        let container = try #require(template.containers.first)
        for probe in ["startupProbe", "livenessProbe", "readinessProbe"] {
            #expect(((container[probe] as? [String: Any])?["httpGet"] as? [String: Any])?["path"] as? String == "/v1/models/resnet")
        }
        #expect((container["args"] as? [String])?.contains("--model_base_path=gs://demo-bucket/models/resnet") == true)
        #expect((container["env"] as? [[String: Any]])?.contains { $0["name"] as? String == "GOOGLE_APPLICATION_CREDENTIALS" } == true)
        let service = try #require(objects["base/tf-serving-service.yaml"])
        #expect((service["spec"] as? [String: Any])?["selector"] as? [String: String] == ["app.kubernetes.io/name": "tf-serving", "app.kubernetes.io/part-of": "image-pipeline"])
    }

    @Test func theLoadTestIsAnIndexedJobOfOnePodPerWorker() throws {
        let objects = try Self.objects(try Self.generator(Self.everythingPath).files())
        let job = try #require(objects["loadtest/job.yaml"])
        let spec = try #require(job["spec"] as? [String: Any])
        #expect(spec["completionMode"] as? String == "Indexed")
        #expect(spec["completions"] as? Int == 4)
        #expect(spec["parallelism"] as? Int == 4)
        let template = try #require(Self.podTemplates(["j": job]).first)
        let container = try #require(template.containers.first)
        #expect(container["command"] as? [String] == ["image-loadgen"])
        let arguments = try #require(container["args"] as? [String])
        #expect(arguments.contains("--workers=4"))
        #expect(arguments.contains("--report=/reports/report-$(JOB_COMPLETION_INDEX).json"))
        let environment = try #require(container["env"] as? [[String: Any]])
        #expect(environment.first?["name"] as? String == "JOB_COMPLETION_INDEX", "declared before args can expand it")
        let volumes = try #require(template.pod["volumes"] as? [[String: Any]])
        #expect(volumes.contains { ($0["persistentVolumeClaim"] as? [String: Any])?["claimName"] as? String == "loadtest-reports" })
    }

    @Test(arguments: [examplePath, everythingPath])
    func everyKustomizationReferenceResolves(path: String) throws {
        let files = try Self.generator(path).files()
        let byPath = Dictionary(uniqueKeysWithValues: files.map { ($0.path, $0) })
        let objects = try Self.objects(files)
        for kustomization in files where kustomization.kind == .kustomization {
            let directory = (kustomization.path as NSString).deletingLastPathComponent
            let node = try #require(try Yams.load(yaml: kustomization.contents) as? [String: Any])
            let resources = try #require(node["resources"] as? [String])
            let patches = (node["patches"] as? [[String: String]] ?? []).compactMap { $0["path"] }
            for reference in resources + patches {
                let target = Self.normalized("\(directory)/\(reference)")
                #expect(
                    byPath[target] != nil || byPath[target + "/kustomization.yaml"] != nil,
                    "\(kustomization.path) lists \(reference), which is not generated")
            }
            // Each patch names an object of the base, or Kustomize refuses the overlay.
            for patch in patches {
                let patchPath = (directory as NSString).appendingPathComponent(patch)
                let patchFile = try #require(byPath[patchPath])
                let patchObject = try #require(try Yams.load(yaml: patchFile.contents) as? [String: Any])
                let name = (patchObject["metadata"] as? [String: Any])?["name"] as? String
                #expect(
                    objects.contains { path, object in
                        path.hasPrefix("base/") && object["kind"] as? String == patchObject["kind"] as? String
                            && (object["metadata"] as? [String: Any])?["name"] as? String == name
                    }, "\(patchPath) patches nothing")
            }
        }
        let baseResources = files.filter { $0.path.hasPrefix("base/") && $0.kind != .kustomization }.map(\.path)
        let baseFile = try #require(byPath["base/kustomization.yaml"])
        let baseKustomization = try #require(try Yams.load(yaml: baseFile.contents) as? [String: Any])
        #expect((baseKustomization["resources"] as? [String])?.map { "base/\($0)" } == baseResources, "every base file is listed")
    }

    /// `overlays/dev/../../base` → `base`.
    static func normalized(_ path: String) -> String {
        var components: [Substring] = []
        for component in path.split(separator: "/") where component != "." {
            if component == "..", !components.isEmpty { components.removeLast() } else { components.append(component) }
        }
        return components.joined(separator: "/")
    }

    @Test func theMultiDocumentStreamHoldsEveryBaseObject() throws {
        let generator = try Self.generator(Self.examplePath)
        let documents = Array(try Yams.load_all(yaml: generator.multiDocumentYAML()))
        let baseObjects = generator.files().filter { $0.path.hasPrefix("base/") && $0.kind != .kustomization }
        #expect(documents.count == baseObjects.count)
        #expect(documents.compactMap { ($0 as? [String: Any])?["kind"] as? String }.first == "Namespace", "the namespace comes first")
    }
}
