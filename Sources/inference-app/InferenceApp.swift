import ArgumentParser
import CommandSupport
import Google
import Foundation
import HTTP
import Kafka
import Logging
import ModelServing
import PipelineConfig
import StreamApp

@main
struct InferenceApp: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inference-app",
        abstract: "The stream app: read images from Kafka, ask a model server, write the predictions to Kafka.",
        discussion: """
            Joins a consumer group on the input topic, sends the JPEGs to the model in batches (TensorFlow \
            Serving's REST API: {"instances":[{"b64":…},…]}) with --concurrency requests in flight, and writes a \
            JSON prediction per image to \
            the output topic, keyed and headed like its input (image-id, run-id, scheduled-at-us and sent-at-us \
            are carried over, so latency can be measured downstream).

            Guarantees: at least once, in order per partition. An input offset is committed (every \
            --commit-interval, on revoke and on stop) only after Kafka acknowledged its prediction (or dead letter) \
            and every one before it. Images go to the model --batch-size at a time (the instances list), waiting at \
            most --batch-linger to fill a batch.

            Failure policy: each failure is of one of three kinds, by the same rule in every tool:
              permanent: not a JPEG; HTTP 400, 413, 422. Dead-lettered at once with
                a dlq-reason header; a refused batch is split until that image is alone.
              retriable: a timeout, a reset mid-request; HTTP 408, 425, 429, 5xx.
                Retried with backoff; after --max-attempts while other images got
                through, dead-lettered as "retries exhausted: <last error>".
              systemic: HTTP 401, 403, 404 and any other status; connection refused,
                DNS, TLS, the status check failing, or the same failure on several
                requests with no success between (a circuit breaker). Never the
                image's fault: nothing is dead-lettered; consumption pauses, calls
                are retried with backoff, /readyz fails and
                inference_app_model_systemic_failure is 1 until the model answers.

            Operations: GET /healthz (fails only when wedged: work pending and nothing moved for --stall-timeout), \
            /readyz (partitions assigned, the model answered its status check, no systemic failure) and /metrics \
            (Prometheus) on --http-host:--http-port. The group is joined once the model has answered, so predictions carry its \
            version from the first. SIGTERM stops consuming, lets in-flight work finish for up to --drain-timeout, \
            commits, leaves the group and exits 0. Outputs are partitioned with murmur2_random by key (as Java \
            clients do; -X partitioner=… overrides).

            Exit status: 0 stopped by a signal after draining, 1 failed, 64 bad input (flags, environment, \
            configuration).

            Examples:
              local-kafka --topic images --topic predictions --topic images-dlq:1 &
              local-model-server --http-port 8501 &
              inference-app --bootstrap-servers 127.0.0.1:PORT   # the default --model-url
              inference-app --config pipeline.yaml --concurrency 64 --batch-size 16 \\
                -X linger.ms=2
              inference-app --allow-plain-http --http-host 0.0.0.0 \\
                --model-url http://tf-serving:8501/v1/models/image-classifier:predict
            """,
        version: ToolVersion.text)

    static func main() async { await ToolMain.run(Self.self) }

    @OptionGroup var configurationOptions: ConfigurationOptions
    @OptionGroup(title: "Kafka") var kafka: KafkaConnectionOptions

    @Option(help: "Topic of the images. Default: stream_app.input_topic (images).")
    var inputTopic: String?

    @Option(help: "Topic of the predictions. Default: stream_app.output_topic (predictions).")
    var outputTopic: String?

    @Option(help: "Topic of the images that cannot be predicted. Default: stream_app.dead_letter_topic (images-dlq).")
    var deadLetterTopic: String?

    @Option(help: "Consumer group. Default: stream_app.group_id (inference-app).")
    var groupID: String?

    @Option(help: "tf-serving, vertex or ml-engine. Default: stream_app.model_backend (tf-serving).")
    var modelBackend: ModelBackend?

    @Option(
        help: ArgumentHelp(
            "TF Serving predict URL, http(s)://HOST:PORT/v1/models/NAME[/versions/N]:predict. Default: stream_app.model_url.",
            valueName: "url"))
    var modelURL: String?

    @Flag(help: "Allow plain http:// to a model server that is not on loopback (in-cluster TF Serving).")
    var allowPlainHTTP = false

    @Option(help: "Model calls in flight. Default: stream_app.concurrency (32).")
    var concurrency: Int?

    @Option(help: "Images per model request. Default: stream_app.batch_size (8).")
    var batchSize: Int?

    @Option(help: ArgumentHelp(
        "How long a request waits to fill its batch. Default: stream_app.batch_linger (2ms).", valueName: "duration"))
    var batchLinger: String?

    @Option(help: ArgumentHelp("Bound of one model call. Default: stream_app.request_timeout (10s).", valueName: "duration"))
    var requestTimeout: String?

    @Option(help: "Retriable failures of one image, while others succeed, before it is dead-lettered. Default: stream_app.max_attempts (5).")
    var maxAttempts: Int?

    @Option(help: ArgumentHelp(
        "How often acknowledged offsets are committed. Default: stream_app.commit_interval (1s).", valueName: "duration"))
    var commitInterval: String?

    @Option(help: ArgumentHelp(
        "/healthz fails when work is pending and nothing moved for this long.", valueName: "duration"))
    var stallTimeout = "2m"

    @Option(
        help: ArgumentHelp(
            "Once consumption stops (a signal), how long outstanding work may take to finish before the app "
                + "commits and leaves. Default: stream_app.drain_timeout (20s).",
            valueName: "duration"))
    var drainTimeout: String?

    /// /healthz, /readyz and /metrics; the port's default is stream_app.http_port (8080).
    @OptionGroup(title: "Health and metrics") var http: HTTPServerOptions

    /// Vertex and ML Engine backends only.
    @OptionGroup(title: "Google (Vertex and ML Engine backends)") var googleAccess: GoogleAccessOptions

    @Option(help: ArgumentHelp(
        "Vertex and ML Engine backends: the serving signature's input that takes the image bytes.", valueName: "name"))
    var inputKey = "image_bytes"

    @OptionGroup(title: "Logging") var logging: LoggingOptions

    func validate() throws {
        if let concurrency, !(1...10_000).contains(concurrency) {
            throw ValidationError("Please pass a --concurrency from 1 to 10000.")
        }
        try HTTPServerOptions.check(host: http.httpHost.value, hostFlag: "--http-host", port: http.httpPort, portFlag: "--http-port")
        if let drainTimeout { _ = try parseDuration(drainTimeout, flag: "--drain-timeout") }
        if let batchSize, !(1...1_000).contains(batchSize) {
            throw ValidationError("Please pass a --batch-size from 1 to 1000.")
        }
        if let maxAttempts, maxAttempts < 1 { throw ValidationError("Please pass a --max-attempts of 1 or more.") }
        if let batchLinger { _ = try parseDuration(batchLinger, flag: "--batch-linger") }
        if let commitInterval, try parseDuration(commitInterval, flag: "--commit-interval") <= .zero {
            throw ValidationError("Please pass a --commit-interval above 0.")
        }
        if try parseDuration(stallTimeout, flag: "--stall-timeout") <= .zero {
            throw ValidationError("Please pass a --stall-timeout above 0.")
        }
        if let requestTimeout, try parseDuration(requestTimeout, flag: "--request-timeout") <= .zero {
            throw ValidationError("Please pass a --request-timeout above 0.")
        }
    }

    func run() async throws {
        let logger = logging.makeLogger(label: "inference-app")
        let settings = try configurationOptions.load()
        let app = settings.streamApp
        let modelTimeout = try requestTimeout.map { try parseDuration($0, flag: "--request-timeout") } ?? app.requestTimeout
        let backend = try makeBackend(
            kind: modelBackend ?? app.modelBackend, url: modelURL ?? app.modelURL, google: settings.google,
            requestTimeout: modelTimeout, logger: logger)
        var properties = try kafka.kafkaProperties(configuration: settings)
        guard properties["bootstrap.servers"] != nil else {
            throw ValidationError(
                "Please pass --bootstrap-servers or set \(KafkaConnectionOptions.bootstrapVariable) (start local-kafka for a local cluster).")
        }
        properties["client.id"] = properties["client.id"] ?? "inference-app"
        var configuration = StreamAppConfiguration(kafkaProperties: properties)
        configuration.inputTopic = inputTopic ?? app.inputTopic
        configuration.outputTopic = outputTopic ?? app.outputTopic
        configuration.deadLetterTopic = deadLetterTopic ?? app.deadLetterTopic
        configuration.groupID = groupID ?? app.groupID
        configuration.concurrency = concurrency ?? app.concurrency
        configuration.batchSize = batchSize ?? app.batchSize
        configuration.batchLinger = try batchLinger.map { try parseDuration($0, flag: "--batch-linger") } ?? app.batchLinger
        configuration.maxAttempts = maxAttempts ?? app.maxAttempts
        configuration.commitInterval = try commitInterval.map { try parseDuration($0, flag: "--commit-interval") } ?? app.commitInterval
        configuration.stallTimeout = try parseDuration(stallTimeout, flag: "--stall-timeout")
        configuration.requestTimeout = modelTimeout
        configuration.drainTimeout = try drainTimeout.map { try parseDuration($0, flag: "--drain-timeout") } ?? app.drainTimeout

        let signal = TerminationSignal()
        let engine = try StreamAppEngine(configuration: configuration, backend: backend, logger: logger)
        let port = http.httpPort ?? app.httpPort
        let httpHost = http.httpHost.value
        let server: EmbeddedHTTPServer
        do {
            server = try await StreamAppHTTPEndpoints.start(host: httpHost, port: UInt16(port), engine: engine)
        } catch {
            throw CommandFailure("cannot serve /healthz on \(httpHost):\(port): \(error)")
        }
        logger.info("health and metrics", metadata: ["address": "\(httpHost):\(server.port)"])
        let stopper = Task {
            await signal.wait()
            logger.info("signal received: draining")
            engine.stop()
        }
        defer { stopper.cancel() }
        do {
            try await engine.run()
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    private func makeBackend(
        kind: ModelBackend, url: String, google: GoogleSettings, requestTimeout: Duration, logger: Logger
    ) throws -> any ModelServingBackend {
        switch kind {
        case .tfServing:
            var http = HTTPClientConfiguration()
            http.allowsPlainHTTPToAnyHost = allowPlainHTTP
            do {
                return try TFServingBackend(predictURL: url, client: HTTPClient(configuration: http, logger: logger))
            } catch {
                throw ValidationError("Please pass a valid --model-url: \(error.reason)")
            }
        case .vertex, .mlEngine:
            // The deployment model-provision made: google: in the configuration names project, region and model.
            var settings = google
            settings.api = kind == .vertex ? .vertex : .mlEngine
            return GooglePredictBackend(
                access: try GoogleModelAccess(
                    settings: settings, accessToken: nil, credentialsFile: googleAccess.credentials, apiRoot: try googleAccess.apiRoot(),
                    userAgent: ToolVersion.userAgent(tool: "inference-app"), requestTimeout: requestTimeout, logger: logger),
                inputKey: inputKey)
        }
    }
}

extension ModelBackend: ExpressibleByArgument {}
