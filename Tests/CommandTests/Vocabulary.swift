/// The flag and environment vocabulary of the eight tools: one row per concept, with the one name, value, default
/// and meaning it has everywhere. README.md holds the same table (`Vocabulary.markdownRows`), and the tests check
/// both against every tool's help.
struct Concept {
    /// As typed: `--config`, `-X`; nil for a concept only the environment carries.
    let flag: String?
    /// Spellings from before issue 15, still accepted (hidden, with a warning) where `tools` says.
    var oldFlags: [String] = []
    let variable: String?
    var oldVariable: String? = nil
    /// The value name help shows (`<duration>`); nil for a flag without a value.
    let value: String?
    /// The default as help shows it, per command (a tool name stands for each of its commands); empty when the
    /// default is looked up at run time (`source`).
    var builtIn: [String: String] = [:]
    /// Where a default comes from when it is not built in.
    var source: String = ""
    let meaning: String
    /// Tools (each of their commands) or single commands (`image-loadgen run`) that have the concept.
    let tools: [String]

    /// The README row.
    var markdownRow: String {
        let flagCell =
            flag.map { flag in
                "`\(flag)`" + (oldFlags.isEmpty ? "" : " (was " + oldFlags.map { "`\($0)`" }.joined(separator: ", ") + ")")
            } ?? "—"
        let variableCell =
            variable.map { "`\($0)`" + (oldVariable.map { " (was `\($0)`)" } ?? "") } ?? "—"
        let valueCell = value.map { "`<\($0)>`" } ?? "flag"
        // One value for every command: `info`; else each value with its commands, in the order of `tools`.
        var values: [String] = []
        for tool in tools { if let value = builtIn[tool], !values.contains(value) { values.append(value) } }
        let defaults =
            values.count == 1 && builtIn.count == tools.count
            ? ["`\(values[0])`"]
            : values.map { value in
                "`\(value)` (" + tools.filter { builtIn[$0] == value }.joined(separator: ", ") + ")"
            }
        let defaultCell = ([source].filter { !$0.isEmpty } + defaults).joined(separator: "; ")
        return "| \(flagCell) | \(variableCell) | \(valueCell) | \(defaultCell.isEmpty ? "—" : defaultCell) | "
            + "\(meaning) | \(tools.joined(separator: ", ")) |"
    }
}

enum Vocabulary {
    static let header = [
        "| flag | environment variable | value | default (source) | meaning | tools |",
        "|---|---|---|---|---|---|",
    ]

    static let every = ToolHelp.tools
    /// manifest-gen only writes files: it has warnings, no log.
    static let logging = every.filter { $0 != "manifest-gen" }

    static let concepts: [Concept] = [
        Concept(
            flag: "--config", variable: "PIPELINE_CONFIG", value: "file",
            source: "`$PIPELINE_CONFIG`, then `./pipeline.yaml` if present, then built-in defaults",
            meaning: "the pipeline configuration", tools: every),
        Concept(
            flag: "--log-level", variable: nil, value: "log-level",
            builtIn: Dictionary(uniqueKeysWithValues: logging.map { ($0, "info") }),
            meaning: "log detail, on standard error", tools: logging),
        Concept(
            flag: "--version", variable: nil, value: nil,
            meaning: "the project version and the linked librdkafka, libcurl and libjpeg", tools: every),
        Concept(
            flag: "--output", variable: nil, value: "output",
            builtIn: ["model-provision": "text", "topic-provision": "text", "cluster-provision": "text",
                "manifest-gen": "text"],
            meaning: "`text`, or `json` for scripts (errors too: `{\"code\", \"description\"}`)",
            tools: ["model-provision", "topic-provision", "cluster-provision", "manifest-gen"]),
        Concept(
            flag: "--bootstrap-servers", variable: "KAFKA_BOOTSTRAP_SERVERS", value: "servers",
            source: "`$KAFKA_BOOTSTRAP_SERVERS`, then `kafka.bootstrap_servers`",
            meaning: "the Kafka brokers, host:port[,host:port]", tools: ["inference-app", "image-loadgen"]),
        Concept(
            flag: "-X", variable: nil, value: "key=value",
            meaning: "a librdkafka property (repeatable), over the configuration's", tools: ["inference-app", "image-loadgen"]),
        Concept(
            flag: "--kafka-config", variable: nil, value: "file",
            meaning: "a properties file of librdkafka settings", tools: ["inference-app", "image-loadgen"]),
        Concept(
            flag: nil, variable: "KAFKA_API_KEY", value: "key",
            source: "also `$KAFKA_API_KEY_FILE` (inference-app, image-loadgen)",
            meaning: "a Confluent Cloud cluster API key (with `KAFKA_API_SECRET`)",
            tools: ["inference-app", "image-loadgen", "topic-provision", "cluster-provision"]),
        Concept(
            flag: nil, variable: "CONFLUENT_CLOUD_API_KEY", value: "key",
            meaning: "a Confluent Cloud API key (with `CONFLUENT_CLOUD_API_SECRET`)",
            tools: ["topic-provision", "cluster-provision"]),
        Concept(
            flag: "--environment", variable: "CONFLUENT_ENVIRONMENT_ID", value: "id",
            source: "`$CONFLUENT_ENVIRONMENT_ID`, then `kafka.environment`",
            meaning: "the Confluent Cloud environment, env-…", tools: ["topic-provision", "cluster-provision"]),
        Concept(
            flag: "--cloud-api-root", variable: nil, value: "url",
            builtIn: ["topic-provision": "https://api.confluent.cloud", "cluster-provision": "https://api.confluent.cloud"],
            meaning: "the Confluent Cloud API root", tools: ["topic-provision", "cluster-provision"]),
        Concept(
            flag: "--topic", oldFlags: ["--partitions"], variable: nil, value: "topic",
            source: "`kafka.topics` (local-kafka, topic-provision), `load.topic` (image-loadgen); partitions left "
                + "out: the configured topic's, else 6",
            meaning: "a topic to declare, name[:partitions[:key=value,...]]",
            tools: ["local-kafka", "topic-provision", "image-loadgen run", "image-loadgen search"]),
        Concept(
            flag: "--wait-timeout", oldFlags: ["--timeout"], variable: nil, value: "duration",
            builtIn: ["model-provision": "60m", "cluster-provision": "30m", "topic-provision": "60s"],
            meaning: "how long to wait for what was created to be ready (operations, a cluster, keys, topics)",
            tools: ["model-provision", "cluster-provision", "topic-provision"]),
        Concept(
            flag: "--poll-interval", variable: nil, value: "duration",
            builtIn: ["model-provision": "2s", "cluster-provision": "5s"],
            meaning: "the first wait between polls while waiting; it doubles up to 30s",
            tools: ["model-provision", "cluster-provision"]),
        Concept(
            flag: "--credentials", variable: "GOOGLE_APPLICATION_CREDENTIALS", value: "file",
            source: "`$GOOGLE_APPLICATION_CREDENTIALS`, then gcloud's application-default credentials, then the metadata server",
            meaning: "a Google service-account key file", tools: ["model-provision", "inference-app"]),
        Concept(
            flag: "--access-token", variable: "GOOGLE_OAUTH_ACCESS_TOKEN", value: "token",
            meaning: "a Google OAuth access token, used as is", tools: ["model-provision"]),
        Concept(
            flag: "--project", variable: "GOOGLE_CLOUD_PROJECT", value: "id",
            source: "`google.project`, then `$GOOGLE_CLOUD_PROJECT`, then the key file's `project_id`",
            meaning: "the Google Cloud project", tools: ["model-provision"]),
        Concept(
            flag: "--google-api-root", oldFlags: ["--api-root"], variable: "PIPELINE_GOOGLE_API_ROOT",
            oldVariable: "MODEL_PROVISION_API_ROOT", value: "url", source: "`$PIPELINE_GOOGLE_API_ROOT`",
            meaning: "Google API calls go to this root instead of Google's hosts", tools: ["model-provision", "inference-app"]),
        Concept(
            flag: "--model-name", oldFlags: ["--model"], variable: nil, value: "name",
            source: "`google.model.name`", meaning: "the model's name", tools: ["model-provision", "local-model-server"]),
        Concept(
            flag: "--version-name", oldFlags: ["--model-version"], variable: nil, value: "name",
            source: "`google.model.version`", meaning: "the ML Engine version's name, e.g. v1", tools: ["model-provision"]),
        Concept(
            flag: "--model-version", variable: nil, value: "model-version", builtIn: ["local-model-server": "1"],
            meaning: "the TF Serving version number served", tools: ["local-model-server"]),
        Concept(
            flag: "--input-key", variable: nil, value: "name",
            builtIn: ["model-provision predict": "image_bytes", "inference-app": "image_bytes"],
            meaning: "the serving signature's input that takes the image bytes",
            tools: ["model-provision predict", "inference-app"]),
        Concept(
            flag: "--http-host", oldFlags: ["--host"], variable: nil, value: "address",
            builtIn: ["inference-app": "127.0.0.1", "local-model-server": "127.0.0.1"],
            meaning: "the address the tool's HTTP server listens on; 0.0.0.0 in a container",
            tools: ["inference-app", "local-model-server"]),
        Concept(
            flag: "--http-port", oldFlags: ["--port"], variable: nil, value: "port",
            source: "`stream_app.http_port` (inference-app); 8501 (local-model-server)",
            meaning: "the port the tool's HTTP server listens on; 0 picks a free one",
            tools: ["inference-app", "local-model-server"]),
        Concept(
            flag: "--drain-timeout", variable: nil, value: "duration", builtIn: ["image-loadgen run": "30s"],
            source: "`stream_app.drain_timeout` (inference-app)",
            meaning: "once input stops (a signal, or a run's end), how long outstanding work may take to finish",
            tools: ["inference-app", "image-loadgen run"]),
        Concept(
            flag: "--seed", variable: nil, value: "seed",
            builtIn: ["local-model-server": "0", "image-loadgen run": "0", "image-loadgen search": "0"],
            meaning: "the seed of random choices, to repeat a run",
            tools: ["local-model-server", "image-loadgen run", "image-loadgen search"]),
        Concept(
            flag: "--yes", variable: nil, value: nil, meaning: "really delete (destroy)",
            tools: ["model-provision destroy", "topic-provision destroy", "cluster-provision destroy"]),
        Concept(
            flag: "--detailed-exitcode", variable: nil, value: nil, meaning: "plan exits 2 when changes are pending",
            tools: ["topic-provision plan", "cluster-provision plan"]),
        Concept(
            flag: "--run-id", variable: "IMAGE_LOADGEN_RUN_ID", value: "id",
            source: "`$IMAGE_LOADGEN_RUN_ID` (run), else a new UUID",
            meaning: "the run every worker of a distributed run shares", tools: ["image-loadgen run", "image-loadgen merge"]),
        Concept(
            flag: "--report-topic", variable: nil, value: "topic", source: "`load.report_topic`",
            meaning: "the topic where a distributed run's workers publish their reports",
            tools: ["image-loadgen run", "image-loadgen merge"]),
    ]

    static var markdownRows: [String] { header + concepts.map(\.markdownRow) }
}
