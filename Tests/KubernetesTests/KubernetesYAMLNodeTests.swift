import Kubernetes
import PipelineConfig
import Testing
import Yams

struct KubernetesYAMLNodeTests {
    /// Strings that a careless writer would let YAML read back as numbers, booleans, nulls, comments or structure.
    static let trickyStrings = [
        "true", "False", "yes", "NO", "on", "y", "null", "~", "", "1", "0.5", "1e3", "0x1F", "0o17", "1:30", ".inf",
        "500m", "-", "- a", "--", "a: b", "a:", "#comment", "a #b", "[x]", "{x}", "*ref", "&anchor", "!tag", "%x", "@x",
        "`x", "|", ">", "'q'", "\"q\"", "back\\slash", "tab\there", " leading", "trailing ", "2024-01-01",
        "--config=/etc/x.yaml", "../../base", "./", "..", ".", "-.inf", "image:tag", "ünïcode", "bell\u{07}",
    ]

    @Test func everyStringReadsBackAsTheSameString() throws {
        let node = KubernetesYAMLNode.mapping(Self.trickyStrings.enumerated().map { ("k\($0.offset)", .string($0.element)) })
        let loaded = try #require(try Yams.load(yaml: node.yaml) as? [String: Any])
        for (index, text) in Self.trickyStrings.enumerated() {
            #expect(loaded["k\(index)"] as? String == text, "\(text) came back as \(String(describing: loaded["k\(index)"]))")
        }
    }

    @Test(arguments: ["line one\nline two\n", "no final newline\nsecond", "two final newlines\n\n", " starts with a space\nx\n", "# a config\n\n  indented: 1\n"])
    func multiLineTextIsKeptExactly(text: String) throws {
        let node: KubernetesYAMLNode = ["data": ["pipeline.yaml": .string(text)], "after": "x"]
        let loaded = try #require(try Yams.load(yaml: node.yaml) as? [String: Any])
        #expect((loaded["data"] as? [String: Any])?["pipeline.yaml"] as? String == text)
        #expect(loaded["after"] as? String == "x")
    }

    @Test func nestingKeepsOrderAndTypes() throws {
        let node: KubernetesYAMLNode = [
            "zeta": 1, "alpha": true,
            "list": [["name": "a", "ports": [["port": 80]]], "plain", [], [:]],
            "empty": [:],
        ]
        #expect(
            node.yaml == """
                zeta: 1
                alpha: true
                list:
                  - name: a
                    ports:
                      - port: 80
                  - plain
                  - []
                  - {}
                empty: {}

                """)
        let loaded = try #require(try Yams.load(yaml: node.yaml) as? [String: Any])
        #expect(loaded["zeta"] as? Int == 1)
        #expect(loaded["alpha"] as? Bool == true)
    }
}

struct ResourceQuantityTests {
    @Test(arguments: [
        ("500m", 0.5), ("1", 1), ("0.5", 0.5), ("2", 2), ("256Mi", 268_435_456), ("1Gi", 1_073_741_824), ("1G", 1e9),
        ("128974848", 128_974_848), ("129e6", 129e6), ("100k", 1e5), ("1.5Gi", 1_610_612_736),
    ])
    func parses(text: String, value: Double) throws {
        #expect(try #require(ResourceQuantity(text)).value == value)
    }

    @Test(arguments: ["", "abc", "500mb", "1gi", "Mi", "1 Gi", "-1", "1.2.3"])
    func rejects(text: String) {
        #expect(ResourceQuantity(text) == nil)
    }

    @Test func comparesAcrossUnits() throws {
        let quantity = { (text: String) throws -> ResourceQuantity in try #require(ResourceQuantity(text)) }
        #expect(try quantity("1024Mi").value == quantity("1Gi").value)
        #expect(try quantity("999m") < quantity("1"))
        #expect(try quantity("1G") < quantity("1Gi"))
    }
}

struct KubernetesNamesTests {
    @Test(arguments: ["a", "image-pipeline", "a1", "0abc", String(repeating: "a", count: 63)])
    func acceptsLabels(name: String) {
        #expect(KubernetesNames.labelProblem(name) == nil)
    }

    @Test(arguments: ["", "Image", "-a", "a-", "a_b", "a.b", "a b", String(repeating: "a", count: 64)])
    func rejectsLabels(name: String) {
        #expect(KubernetesNames.labelProblem(name) != nil)
    }

    @Test func subdomainsAllowDots() {
        #expect(KubernetesNames.subdomainProblem("creds.team-a") == nil)
        #expect(KubernetesNames.subdomainProblem("creds..a") != nil)
        #expect(KubernetesNames.subdomainProblem("Creds") != nil)
    }
}
