import HTTP

/// `/healthz`, `/readyz` and `/metrics` of a running engine. None of them calls the model: the engine checks it on
/// its own schedule, so probes are cheap however often Kubernetes sends them.
public enum StreamAppHTTPEndpoints {
    /// Starts the server; bind `0.0.0.0` in a container so probes and scrapes reach it.
    public static func start(host: String, port: UInt16, engine: StreamAppEngine) async throws -> EmbeddedHTTPServer {
        try await EmbeddedHTTPServer.start(host: host, port: port) { request in
            handle(request, engine: engine)
        }
    }

    static func handle(_ request: ServerRequest, engine: StreamAppEngine) -> ServerResponse {
        guard request.method == "GET" || request.method == "HEAD" else {
            return .text("method not allowed\n", status: 405)
        }
        switch request.path {
        case "/healthz":
            // Liveness: fails only for a wedge, which a restart cures; a slow or failing model does not count.
            let liveness = engine.liveness
            return .text("\(liveness.reason)\n", status: liveness.alive ? 200 : 503)
        case "/readyz":
            // Readiness: consuming an assignment, with a model that answers and no systemic failure.
            let readiness = engine.readiness
            return .text("\(readiness.reason)\n", status: readiness.ready ? 200 : 503)
        case "/metrics":
            return .text(engine.metricsText(), contentType: "text/plain; version=0.0.4; charset=utf-8")
        default:
            return .text("not found: try /healthz, /readyz or /metrics\n", status: 404)
        }
    }
}
