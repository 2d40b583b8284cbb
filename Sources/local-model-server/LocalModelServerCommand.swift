import ArgumentParser
import CommandSupport
import Foundation
import HTTP
import Logging
import ModelServing
import PipelineConfig

@main
struct LocalModelServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "local-model-server",
        abstract: "A stand-in for TensorFlow Serving's REST API, for local runs and tests. It is not a model.",
        discussion: """
            Speaks the part of TensorFlow Serving's REST API that inference-app uses:
              GET  /v1/models/NAME[/versions/N]          the model status
              POST /v1/models/NAME[/versions/N]:predict  {"instances":[{"b64":"…"}]}

            Each image is decoded with libjpeg and "classified" by a fixed rule, so tests can tell which image \
            reached it: the labels red, green and blue, each scored by its channel's share of the mean brightness \
            (scores sum to 1), best first. The answer is {"predictions":[{"labels":[…],"scores":[…]}]}. A body \
            that is not a JPEG gets 400 with {"error": …}, as TF Serving answers.

            It answers batches ({"instances": [several]}), as TF Serving does. For load and fault tests it can add \
            latency per call and per image (--latency, --latency-jitter, --latency-per-instance) and fail on purpose \
            (--fail-first, --error-rate, --error-status). In Kubernetes, run the real TF Serving image \
            (tensorflow/serving, REST port 8501) instead.

            It listens on --http-host (loopback by default) and --http-port (default 8501, TF Serving's REST \
            port; 0 picks a free one), and prints the predict URL on standard output.

            Exit status: 0 stopped by a signal, 1 failed, 64 bad input (flags, configuration).

            Examples:
              local-model-server --http-port 8501 --model-name image-classifier
              local-model-server --latency 20ms --latency-jitter 5ms
              local-model-server --latency 20ms --latency-per-instance 1ms  # per image
              local-model-server --fail-first 50 --error-status 503  # an outage
              local-model-server --error-rate 0.01 --seed 7
            """,
        version: ToolVersion.text)

    static func main() async { await ToolMain.run(Self.self) }

    /// TF Serving's REST port.
    static let defaultPort = 8501

    @OptionGroup var configurationOptions: ConfigurationOptions

    @OptionGroup(title: "REST API (default port 8501)") var http: HTTPServerOptions

    @Option(name: .customLong("host"), help: .hidden)
    var oldHost: String?

    @Option(name: .customLong("port"), help: .hidden)
    var oldPort: Int?

    @Option(help: ArgumentHelp(
        "The model name served. Default: google.model.name in the configuration (image-classifier).",
        valueName: "name"))
    var modelName: String?

    @Option(help: "The model version reported and served.")
    var modelVersion = 1

    @Option(help: ArgumentHelp("Latency added to every predict call, however many images it carries, e.g. 20ms.", valueName: "duration"))
    var latency = "0s"

    @Option(help: ArgumentHelp("Latency added per image of a call, on top of --latency, e.g. 1ms.", valueName: "duration"))
    var latencyPerInstance = "0s"

    @Option(help: ArgumentHelp("Extra random latency per call, uniform from 0 to this.", valueName: "duration"))
    var latencyJitter = "0s"

    @Option(help: "The first N predict calls fail with --error-status.")
    var failFirst = 0

    @Option(help: "Fraction (0 to 1) of the other predict calls that fail with --error-status.")
    var errorRate = 0.0

    @Option(help: "HTTP status of injected failures (400 to 599).")
    var errorStatus = 503

    @Option(help: "Send Retry-After with injected failures, in seconds, as an overloaded server does.")
    var retryAfter: Int?

    @Option(help: "Seed of the random failures and jitter, to repeat a fault run.")
    var seed: UInt64 = 0

    @OptionGroup(title: "Logging") var logging: LoggingOptions

    /// Where to listen, from --http-host and --http-port or their old names --host and --port.
    private func address() throws -> (host: String, port: Int) {
        let (givenHost, hostFlag) = try Deprecation.option(http.httpHost.given, "--http-host", old: oldHost, "--host")
        let (port, portFlag) = try Deprecation.option(http.httpPort, "--http-port", old: oldPort, "--port")
        let host = givenHost ?? http.httpHost.value
        try HTTPServerOptions.check(host: host, hostFlag: hostFlag, port: port, portFlag: portFlag)
        return (host, port ?? Self.defaultPort)
    }

    func validate() throws {
        _ = try address()
        guard modelVersion >= 1 else { throw ValidationError("Please pass a --model-version of 1 or more.") }
        guard failFirst >= 0 else { throw ValidationError("Please pass a --fail-first of 0 or more.") }
        guard (0...1).contains(errorRate) else { throw ValidationError("Please pass an --error-rate from 0 to 1.") }
        if let retryAfter, retryAfter < 0 { throw ValidationError("Please pass a --retry-after of 0 or more seconds.") }
        guard (400...599).contains(errorStatus) else {
            throw ValidationError("Please pass an --error-status from 400 to 599.")
        }
        _ = try durations()
        if let modelName, modelName.isEmpty || modelName.contains("/") || modelName.contains(":") {
            throw ValidationError("Please pass a --model-name without '/' or ':'.")
        }
    }

    private func durations() throws -> (latency: Duration, jitter: Duration, perInstance: Duration) {
        (
            try parseDuration(latency, flag: "--latency"), try parseDuration(latencyJitter, flag: "--latency-jitter"),
            try parseDuration(latencyPerInstance, flag: "--latency-per-instance")
        )
    }

    func run() async throws {
        let logger = logging.makeLogger(label: "local-model-server")
        let settings = try configurationOptions.load()
        var configuration = LocalModelServerConfiguration()
        configuration.modelName = modelName ?? settings.google.model.name
        configuration.version = modelVersion
        (configuration.latency, configuration.latencyJitter, configuration.latencyPerInstance) = try durations()
        configuration.failFirst = failFirst
        configuration.errorRate = errorRate
        configuration.errorStatus = errorStatus
        configuration.retryAfterSeconds = retryAfter
        configuration.seed = seed
        let (host, port) = try address()
        let signal = TerminationSignal()
        let model = LocalModelServer(configuration: configuration)
        let server: EmbeddedHTTPServer
        do {
            server = try await EmbeddedHTTPServer.start(host: host, port: UInt16(port)) { await model.handle($0) }
        } catch {
            throw CommandFailure("cannot listen on \(host):\(port): \(error)")
        }
        StandardOutput.write(line: "http://\(host):\(server.port)/v1/models/\(configuration.modelName):predict")
        logger.info(
            "serving (a stand-in for TensorFlow Serving)",
            metadata: ["model": "\(configuration.modelName)", "version": "\(configuration.version)",
                "address": "\(host):\(server.port)", "latency": "\(latency)", "fail_first": "\(failFirst)",
                "error_rate": "\(errorRate)"])
        await signal.wait()
        logger.info("stopping", metadata: ["predict_calls": "\(model.predictCalls)"])
        await server.stop()
    }
}
