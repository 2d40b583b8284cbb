import ArgumentParser
import CommandSupport
import Foundation
import Google
import PipelineConfig

@main
struct ModelProvision: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model-provision",
        abstract: "Deploy the TensorFlow SavedModel in Cloud Storage on Vertex AI (or ML Engine), over Google's REST API.",
        discussion: """
            plan shows what apply would do and the exact REST requests; apply creates only what is missing and \
            waits for Google's long-running operations; status shows what exists; destroy removes it; predict \
            sends one image as a smoke test.

            Vertex AI (--api vertex, the default): upload the model, create the endpoint, deploy the model to it \
            with all traffic. ML Engine (--api ml-engine): create the model, the version, make it the default. \
            Google shut ML Engine down on 2025-01-31; it stays for legacy and private endpoints.

            With --saved-model DIR, plan and apply first put the local SavedModel into --saved-model-uri through \
            the Cloud Storage JSON API (upload does only that): small files in one request, large ones resumable \
            in 8 MiB chunks that pick up where the server says after a failure; files already there with the \
            same size and CRC32C are skipped.

            Credentials, in Google's order: --access-token or $GOOGLE_OAUTH_ACCESS_TOKEN; --credentials or \
            $GOOGLE_APPLICATION_CREDENTIALS (a service-account key file); gcloud application-default \
            credentials ($CLOUDSDK_CONFIG or ~/.config/gcloud); the metadata server ($GCE_METADATA_HOST).

            Exit status: 0 done, 1 failed (the error says why), 64 bad input (flags, environment, \
            configuration).

            Examples:
              model-provision plan --project my-project \\
                --saved-model-uri gs://my-bucket/models/classifier/
              model-provision upload --saved-model ./export/classifier
              model-provision apply --saved-model ./export/classifier
              model-provision apply --output json
              model-provision predict --image datasets/cat.jpg
              model-provision destroy --yes
            """,
        version: ToolVersion.text,
        subcommands: [Plan.self, Upload.self, Apply.self, Status.self, Destroy.self, Predict.self])

    static func main() async { await ToolMain.run(Self.self) }
}

/// The option groups every subcommand takes.
struct CommonOptions: ParsableArguments {
    @OptionGroup var configuration: ConfigurationOptions
    @OptionGroup(title: "Model") var model: ModelOptions
    @OptionGroup(title: "Google connection") var connection: GoogleConnectionOptions
    @OptionGroup var logging: LoggingOptions

    func context() throws -> ProvisionContext {
        try ProvisionContext(configuration: configuration, model: model, connection: connection, logging: logging)
    }
}

extension ModelProvision {
    struct Plan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show what apply would create, and the exact REST requests (secrets masked). Changes nothing.")

        @OptionGroup var options: CommonOptions

        func run() async throws {
            let context = try options.context()
            let upload = try await context.uploadPlan()
            let plan = try await context.provisioner.applyPlan()
            switch context.output {
            case .text:
                context.write((upload?.rendered ?? []) + plan.rendered(heading: context.heading, redactor: context.redactor))
            case .json:
                var object = plan.jsonObject(redactor: context.redactor)
                if let upload { object["upload"] = upload.jsonObject }
                try context.writeJSON(object)
            }
        }
    }

    struct Upload: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Put the SavedModel folder (--saved-model) into --saved-model-uri; unchanged files are skipped.")

        @OptionGroup var options: CommonOptions

        func validate() throws {
            guard options.model.savedModel != nil else {
                throw ValidationError("Please name the SavedModel folder to upload with --saved-model DIR.")
            }
        }

        func run() async throws {
            let context = try options.context()
            guard let plan = try await context.uploadPlan() else { return }
            try await context.upload(plan)
            let summary = "Uploaded \(plan.uploads.count) file(s), \(SavedModelUploadPlan.bytes(plan.uploadBytes)); "
                + "\(plan.entries.count - plan.uploads.count) unchanged, at \(plan.destination)."
            switch context.output {
            case .text: context.write([summary])
            case .json: try context.writeJSON(plan.jsonObject)
            }
        }
    }

    struct Apply: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create what is missing and wait for it; running it again changes nothing.")

        @OptionGroup var options: CommonOptions

        @Flag(name: .customLong("async"), help: "Start the next long-running operation and return without waiting.")
        var returnEarly = false

        func run() async throws {
            let context = try options.context()
            if let upload = try await context.uploadPlan() { try await context.upload(upload) }
            let plan = try await context.provisioner.applyPlan()
            for note in plan.notes { FileHandle.standardError.write(Data("warning: \(note)\n".utf8)) }
            let pending = try await context.provisioner.run(plan, async: returnEarly)
            let status = try await context.provisioner.status(pendingOperations: pending)
            switch context.output {
            case .text:
                context.write(
                    [plan.isEmpty ? "Nothing to do: everything exists." : "Applied \(plan.steps.count) change(s)."]
                        + status.rendered)
            case .json: try context.writeJSON(status)
            }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show what exists: model, version or endpoint, deployments.")

        @OptionGroup var options: CommonOptions

        func run() async throws {
            let context = try options.context()
            let status = try await context.provisioner.status()
            switch context.output {
            case .text: context.write(status.rendered)
            case .json: try context.writeJSON(status)
            }
        }
    }

    struct Destroy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove the deployment: undeploy before deleting, the default version last. Needs --yes.")

        @OptionGroup var options: CommonOptions

        @Flag(help: "Really delete; without it destroy only shows what it would remove.")
        var yes = false

        func run() async throws {
            let context = try options.context()
            let plan = try await context.provisioner.destroyPlan()
            guard yes || plan.isEmpty else {
                context.write(plan.rendered(heading: context.heading, redactor: context.redactor))
                throw ValidationError("Refusing to delete without --yes; the plan above shows what would go.")
            }
            try await context.provisioner.run(plan)
            switch context.output {
            case .text:
                context.write([plan.isEmpty ? "Nothing to delete." : "Deleted: \(plan.steps.map(\.resource).joined(separator: "; "))."])
            case .json: try context.writeJSON(plan.jsonObject(redactor: context.redactor))
            }
        }
    }

    struct Predict: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send one image to the deployed model and print its prediction: the smoke test after apply.")

        @OptionGroup var options: CommonOptions

        @Option(help: ArgumentHelp("The image file (JPEG), sent base64-encoded.", valueName: "file"))
        var image: String

        @Option(help: ArgumentHelp(
            "The model's input name; TensorFlow serving decodes {\"b64\": ...} for inputs ending in _bytes.",
            valueName: "name"))
        var inputKey = "image_bytes"

        func run() async throws {
            guard let bytes = FileManager.default.contents(atPath: image) else {
                throw ValidationError("Cannot read the image file \(image).")
            }
            // Both APIs cap a request at 1.5 MB; base64 grows the image by a third.
            guard bytes.count <= 1_100_000 else {
                throw ValidationError("\(image) is \(bytes.count) bytes; online prediction takes at most about 1.1 MB per image.")
            }
            let context = try options.context()
            let instance = GoogleJSON.object([inputKey: .object(["b64": .string(bytes.base64EncodedString())])])
            let predictions = try await context.provisioner.predict(instances: [instance])
            switch context.output {
            case .text: context.write(predictions.map(\.compactText))
            case .json: try context.writeJSON(["predictions": predictions])
            }
        }
    }
}
