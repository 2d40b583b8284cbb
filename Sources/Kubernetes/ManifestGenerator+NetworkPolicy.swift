import Foundation
import PipelineConfig

/// One NetworkPolicy per workload, so that a compromised pod reaches only what its job needs: ingress only to
/// the metrics port, egress only to DNS, the Kafka brokers and the model server (`kubernetes.network_policy`).
extension ManifestGenerator {
    func streamAppNetworkPolicy() -> KubernetesYAMLNode {
        var egress = [dnsEgress, kafkaEgress]
        if kubernetes.tfServing.enabled {
            egress.append([
                "to": [["podSelector": ["matchLabels": selectorLabels(Self.tfServingName)]]],
                "ports": [tcp(Self.tfServingRESTPort)],
            ])
        } else {
            egress.append(["ports": .sequence(modelPorts.map(tcp))])
        }
        // Probes come from the kubelet, which NetworkPolicy does not filter; the port is open for Prometheus.
        let ingress: [KubernetesYAMLNode] = [["ports": [tcp(configuration.streamApp.httpPort)]]]
        return networkPolicy(Self.streamAppName, component: "stream-app", ingress: ingress, egress: egress)
    }

    func tfServingNetworkPolicy() -> KubernetesYAMLNode {
        var egress = [dnsEgress]
        // Google's Cloud Storage API, for a model read from gs://.
        if kubernetes.tfServing.readsCloudStorage { egress.append(["ports": [tcp(443)]]) }
        let ingress: [KubernetesYAMLNode] = [[
            "from": [["podSelector": ["matchLabels": selectorLabels(Self.streamAppName)]]],
            "ports": [tcp(Self.tfServingRESTPort)],
        ]]
        return networkPolicy(Self.tfServingName, component: "model-server", ingress: ingress, egress: egress)
    }

    /// The load generator serves nothing: no ingress at all.
    func loadTestNetworkPolicy() -> KubernetesYAMLNode {
        networkPolicy(Self.loadTestName, component: "load-test", ingress: [], egress: [dnsEgress, kafkaEgress])
    }

    private func networkPolicy(
        _ name: String, component: String, ingress: [KubernetesYAMLNode], egress: [KubernetesYAMLNode]
    ) -> KubernetesYAMLNode {
        [
            "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": metadata(name, component: component),
            "spec": [
                "podSelector": ["matchLabels": selectorLabels(name)],
                "policyTypes": ["Ingress", "Egress"],
                "ingress": .sequence(ingress),
                "egress": .sequence(egress),
            ],
        ]
    }

    private var dnsEgress: KubernetesYAMLNode {
        ["ports": [["port": 53, "protocol": "UDP"], ["port": 53, "protocol": "TCP"]]]
    }

    private var kafkaEgress: KubernetesYAMLNode {
        ["ports": .sequence(kubernetes.networkPolicy.kafkaPorts.map(tcp))]
    }

    private func tcp(_ port: Int) -> KubernetesYAMLNode {
        ["port": .integer(port), "protocol": "TCP"]
    }

    /// The configured model ports, else the model URL's port (Google's APIs: 443).
    private var modelPorts: [Int] {
        if let ports = kubernetes.networkPolicy.modelPorts { return ports }
        guard configuration.streamApp.modelBackend == .tfServing else { return [443] }
        let url = URLComponents(string: configuration.streamApp.modelURL)
        return [url?.port ?? (url?.scheme == "http" ? 80 : 443)]
    }
}
