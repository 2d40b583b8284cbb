import ArgumentParser
import HTTP

/// `--http-host` and `--http-port`: where a tool's own HTTP server listens (inference-app's health and metrics,
/// local-model-server's REST API).
public struct HTTPServerOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Address the HTTP server listens on: loopback unless told otherwise; 0.0.0.0 in a container.",
        valueName: "address"))
    public var httpHost = Defaulted(default: "127.0.0.1")

    @Option(help: ArgumentHelp(
        "Port the HTTP server listens on; 0 picks a free one. Default: inference-app stream_app.http_port (8080), "
            + "local-model-server 8501.", valueName: "port"))
    public var httpPort: Int?

    public init() {}

    /// Checks an address and a port, naming the flags the user typed (an old spelling, if that was it).
    public static func check(host: String, hostFlag: String, port: Int?, portFlag: String) throws {
        if let port, !(0...65535).contains(port) {
            throw ValidationError("Please pass a \(portFlag) from 0 to 65535.")
        }
        if let problem = EmbeddedHTTPServer.problem(listeningOn: host) {
            throw ValidationError("Please pass a \(hostFlag) to listen on: \(problem).")
        }
    }
}
