import FlyingFox
import FlyingSocks
import Foundation

/// A small HTTP/1.1 server for this project's own endpoints: the local model server, health and metrics
/// endpoints, and the stand-ins for Google's and Confluent's APIs in tests. It listens on port 0 by default and
/// reports the port it got.
public final class EmbeddedHTTPServer: Sendable {
    public typealias Handler = @Sendable (ServerRequest) async -> ServerResponse

    private let server: FlyingFox.HTTPServer
    private let task: Task<Void, any Error>

    /// The port the server listens on, once `start` has returned.
    public let port: UInt16

    /// Starts listening on `host` (default loopback only) and returns once connections are accepted.
    public static func start(host: String = "127.0.0.1", port: UInt16 = 0, handler: @escaping Handler) async throws
        -> EmbeddedHTTPServer
    {
        let address = try sockaddr_in.inet(ip4: host, port: port)
        let server = FlyingFox.HTTPServer(
            address: address, timeout: 60, logger: .disabled, handler: ClosureHandler(handler: handler))
        let task = Task { try await server.run() }
        do {
            // Binding is immediate; the wait is for the accept loop's task to be scheduled, which can take seconds
            // on a machine whose cooperative threads are all busy (two on two cores).
            try await server.waitUntilListening(timeout: 60)
        } catch {
            task.cancel()
            throw error
        }
        guard case .ip4(_, let boundPort) = await server.listeningAddress else {
            task.cancel()
            throw HTTPClientError(code: .other, url: "http://\(host):\(port)", reason: "server did not start listening")
        }
        disableNagle(onListenerAt: boundPort)
        return EmbeddedHTTPServer(server: server, task: task, port: boundPort)
    }

    /// Why the server could not listen on `host`, read before a tool starts anything else; nil when it is an
    /// IPv4 address, the only kind `start` takes.
    public static func problem(listeningOn host: String) -> String? {
        var address = in_addr()
        return inet_pton(AF_INET, host, &address) == 1 ? nil : "'\(host)' is not an IPv4 address such as 0.0.0.0 or 127.0.0.1"
    }

    private init(server: FlyingFox.HTTPServer, task: Task<Void, any Error>, port: UInt16) {
        self.server = server
        self.task = task
        self.port = port
    }

    /// `http://127.0.0.1:PORT`, for clients on this machine.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Stops accepting, lets requests in progress finish for up to `timeout` seconds, then closes.
    public func stop(timeout: TimeInterval = 2) async {
        await server.stop(timeout: timeout)
        task.cancel()
    }
}

/// FlyingFox writes a response's head and body in two `send` calls. With Nagle's algorithm on, the body then waits
/// for the client's delayed ACK, about 40 ms on Linux, on every reused connection. FlyingFox offers no hook on the
/// sockets it accepts, but Linux copies TCP_NODELAY from a listening socket to each socket it accepts, so the
/// listener, found among this process's descriptors by its port, gets it.
private func disableNagle(onListenerAt port: UInt16) {
    var limit = rlimit()
    getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
    for descriptor in 0..<Int32(min(limit.rlim_cur, 65_536)) {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        var listening: Int32 = 0
        var optionLength = socklen_t(MemoryLayout<Int32>.size)
        guard named == 0, address.sin_family == sa_family_t(AF_INET), UInt16(bigEndian: address.sin_port) == port,
            getsockopt(descriptor, SOL_SOCKET, SO_ACCEPTCONN, &listening, &optionLength) == 0, listening == 1
        else { continue }
        var on: Int32 = 1
        setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
        return
    }
}

private struct ClosureHandler: FlyingFox.HTTPHandler {
    let handler: EmbeddedHTTPServer.Handler

    func handleRequest(_ request: FlyingFox.HTTPRequest) async throws -> FlyingFox.HTTPResponse {
        var query: [String: String] = [:]
        for item in request.query {
            query[item.name] = item.value
        }
        let rawQuery = request.target.rawValue.split(separator: "?", maxSplits: 1).dropFirst().first.map(String.init) ?? ""
        let headers = request.headers.map { HTTPHeader($0.key.rawValue, $0.value) }
        let served = await handler(
            ServerRequest(
                method: request.method.rawValue, path: request.path, query: query, rawQuery: rawQuery,
                headers: headers, body: try await request.bodyData))
        var responseHeaders: [FlyingFox.HTTPHeader: String] = [:]
        for header in served.headers {
            responseHeaders[FlyingFox.HTTPHeader(header.name)] = header.value
        }
        return FlyingFox.HTTPResponse(
            statusCode: FlyingFox.HTTPStatusCode(served.status, phrase: ""), headers: responseHeaders, body: served.body)
    }
}
