import HTTP
import ModelServing

/// `/healthz`, `/readyz` and `/metrics` of a running engine.
public enum StreamAppHTTPEndpoints {
    /// Starts the server; bind `0.0.0.0` in a container so probes and scrapes reach it.
    public static func start(
        host: String, port: UInt16, engine: StreamAppEngine, backend: any ModelServingBackend
    ) async throws -> EmbeddedHTTPServer {
        try await EmbeddedHTTPServer.start(host: host, port: port) { request in
            await handle(request, engine: engine, backend: backend)
        }
    }

    static func handle(_ request: ServerRequest, engine: StreamAppEngine, backend: any ModelServingBackend) async
        -> ServerResponse
    {
        guard request.method == "GET" || request.method == "HEAD" else {
            return .text("method not allowed\n", status: 405)
        }
        switch request.path {
        case "/healthz":
            // Liveness: the process answers. A stuck or failed engine exits by itself; restarting it for a slow
            // model would not help.
            return .text("ok\n")
        case "/readyz":
            guard engine.isConsuming else { return .text("not consuming\n", status: 503) }
            do {
                try await backend.checkReady(timeout: .seconds(2))
                return .text("ready\n")
            } catch {
                return .text("model not ready: \(error)\n", status: 503)
            }
        case "/metrics":
            engine.measureLag()
            return .text(engine.metrics.prometheusText(), contentType: "text/plain; version=0.0.4; charset=utf-8")
        default:
            return .text("not found: try /healthz, /readyz or /metrics\n", status: 404)
        }
    }
}
