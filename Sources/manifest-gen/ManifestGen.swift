import ArgumentParser
import CommandSupport
import Foundation
import Kubernetes
import PipelineConfig

@main
struct ManifestGen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "manifest-gen",
        abstract: "Generate the Kubernetes manifests of the stream app and of distributed load tests.",
        discussion: """
            Reads the pipeline configuration and writes plain YAML for Kustomize into the output directory: \
            base/ (namespace, ConfigMap with the configuration, the inference-app Deployment with a restricted \
            security context, probes, topology spread and graceful shutdown, metrics Service, PodDisruptionBudget, \
            HorizontalPodAutoscaler or KEDA ScaledObject, optional TF Serving), overlays/<name>/ (replicas and \
            resources per environment), loadtest/ (an Indexed Job of image-loadgen pods) and README.md (how to \
            create the credentials Secret and apply it all). Secrets are only referenced, never written.

            The output is deterministic; commit it, and let CI run --check, which exits 1 and lists the files that \
            differ from what the configuration generates.

            Exit status: 0 written or up to date, 1 --check found differences (or a failure), 64 bad input \
            (flags, configuration).

            Examples:
              manifest-gen               # write ./manifests from ./pipeline.yaml
              manifest-gen --check       # in CI: fail when manifests/ drifted
              manifest-gen --stdout | kubectl apply --dry-run=client -f -
              manifest-gen --config prod.yaml --output-dir deploy/manifests
            """,
        version: ToolVersion.text)

    static func main() { ToolMain.run(Self.self) }

    @OptionGroup var configuration: ConfigurationOptions

    @Option(help: ArgumentHelp("Where the manifests go.", valueName: "directory"))
    var outputDir = "manifests"

    @Flag(help: "Write nothing; exit 1 and list the files that differ from what the configuration generates.")
    var check = false

    @Flag(help: "Write nothing; print the base's objects as one multi-document YAML stream.")
    var stdout = false

    /// How written or differing files are reported.
    @OptionGroup var outputOptions: OutputOptions

    func validate() throws {
        if check && stdout { throw ValidationError("Please pass either --check or --stdout, not both.") }
        // Checked before anything is generated or written, so a bad path leaves no half-written folder.
        var isDirectory: ObjCBool = false
        if !check && !stdout, FileManager.default.fileExists(atPath: outputDir, isDirectory: &isDirectory),
            !isDirectory.boolValue
        {
            throw ValidationError("Please pass an --output-dir that is a folder; \(outputDir) is a file.")
        }
    }

    func run() throws {
        let path = PipelineConfiguration.resolvedPath(path: configuration.config)
        let settings = try configuration.load()
        let text = try path.map { path in
            do {
                return try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw ConfigurationError(code: .unreadableFile, file: path, key: "", reason: "cannot read the file (\(error.localizedDescription))")
            }
        }
        let generator = ManifestGenerator(
            configuration: settings, configurationText: text ?? "",
            configurationName: path.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "the built-in defaults")
        for warning in generator.warnings {
            FileHandle.standardError.write(Data("warning: \(warning)\n".utf8))
        }
        if stdout {
            FileHandle.standardOutput.write(Data(generator.multiDocumentYAML().utf8))
            return
        }
        let files = generator.files()
        let directory = ManifestDirectory(root: URL(fileURLWithPath: outputDir))
        let differences = check ? directory.differences(from: files) : try directory.write(files)
        report(differences, fileCount: files.count)
        if check && !differences.isEmpty {
            throw ManifestDriftError(count: differences.count, directory: outputDir)
        }
    }

    private func report(_ differences: [ManifestDirectory.Difference], fileCount: Int) {
        switch outputOptions.output {
        case .json:
            let entries = differences.map { difference -> [String: String] in
                var entry = ["path": outputDir + "/" + difference.path]
                switch difference.change {
                case .missing: entry["change"] = "missing"
                case .changed(let line): entry["change"] = "changed"; entry["line"] = String(line)
                case .stale: entry["change"] = "stale"
                }
                return entry
            }
            let document: [String: Any] = [
                "directory": outputDir, "files": fileCount, "upToDate": differences.isEmpty,
                (check ? "differences" : "written"): entries,
            ]
            let data = (try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys])) ?? Data()
            StandardOutput.write(line: String(decoding: data, as: UTF8.self))
        case .text:
            for difference in differences {
                StandardOutput.write(line: check ? "\(outputDir)/\(difference)" : "\(verb(difference.change)) \(outputDir)/\(difference.path)")
            }
            if differences.isEmpty {
                FileHandle.standardError.write(Data("\(outputDir): all \(fileCount) files up to date\n".utf8))
            }
        }
    }

    private func verb(_ change: ManifestDirectory.Difference.Change) -> String {
        switch change {
        case .missing: "created"
        case .changed: "updated"
        case .stale: "removed"
        }
    }
}

struct ManifestDriftError: Error, CustomStringConvertible {
    let count: Int
    let directory: String

    var description: String {
        "\(count) file(s) in \(directory) differ from what the configuration generates; run manifest-gen and commit the result"
    }
}
