import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A stand-in for a misbehaving HTTP peer (a broken proxy, a hostile server) that no well-behaved server library
/// can play: it answers every request on loopback with one scripted misbehaviour, writing raw bytes to the socket.
/// Each connection runs on a thread of its own and ends when the client goes away.
public final class HostileHTTPServer: @unchecked Sendable {
    // @unchecked Sendable: the listening descriptor is set once in init; connection threads only read `behaviour`.
    public enum Behaviour: Sendable {
        /// A complete response, for example `503` with `Retry-After: inf`.
        case respond(status: Int, headers: [(String, String)], body: String)
        /// A body of this many bytes, streamed in 64 KiB writes; with `declaringLength` false it is sent chunked,
        /// so the client cannot refuse it from a `Content-Length` and has to count.
        case hugeBody(bytes: Int, declaringLength: Bool)
        /// A chunked body that never ends.
        case endlessBody
        /// Status and headers promising 1000 bytes, then 10 of them, then silence until the client hangs up.
        case stallAfterHeaders
    }

    public let port: UInt16
    private let listener: Int32
    private let behaviour: Behaviour
    private let requests = Atomic(0)

    /// Requests read so far, over all connections.
    public var requestCount: Int { requests.load(ordering: .relaxed) }

    public init(_ behaviour: Behaviour) throws {
        self.behaviour = behaviour
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(listener, generic, length) == 0 && listen(listener, 16) == 0
                    && getsockname(listener, generic, &length) == 0
            }
        }
        guard bound else {
            close(listener)
            throw POSIXError(.EADDRNOTAVAIL)
        }
        port = UInt16(bigEndian: address.sin_port)
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "hostile-http"
        thread.start()
    }

    /// `http://127.0.0.1:PORT`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Stops accepting; connections in progress end when their clients hang up.
    public func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func acceptLoop() {
        while true {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { return }
            let thread = Thread { [self] in serve(connection) }
            thread.start()
        }
    }

    private func serve(_ connection: Int32) {
        defer { close(connection) }
        while readRequestHead(connection) {
            requests.add(1, ordering: .relaxed)
            let keepGoing: Bool
            switch behaviour {
            case .respond(let status, let headers, let body):
                let head = headers.map { "\($0.0): \($0.1)\r\n" }.joined()
                keepGoing = send(
                    connection,
                    "HTTP/1.1 \(status) Scripted\r\n\(head)Content-Length: \(body.utf8.count)\r\n\r\n\(body)")
            case .hugeBody(let bytes, let declaringLength):
                keepGoing = sendHugeBody(connection, bytes: bytes, declaringLength: declaringLength)
            case .endlessBody:
                guard send(connection, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n")
                else { return }
                let chunk = "10000\r\n" + String(repeating: "x", count: 0x10000) + "\r\n"
                while send(connection, chunk) {}
                return
            case .stallAfterHeaders:
                guard send(connection, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"partial\":")
                else { return }
                waitForHangUp(connection)
                return
            }
            guard keepGoing else { return }
        }
    }

    private func sendHugeBody(_ connection: Int32, bytes: Int, declaringLength: Bool) -> Bool {
        let framing = declaringLength ? "Content-Length: \(bytes)" : "Transfer-Encoding: chunked"
        guard send(connection, "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n\(framing)\r\n\r\n") else {
            return false
        }
        let block = [UInt8](repeating: 0x61, count: 0x10000)
        var left = bytes
        while left > 0 {
            let count = min(left, block.count)
            let framed =
                declaringLength
                ? block[..<count].map { $0 } : Array("\(String(count, radix: 16))\r\n".utf8) + block[..<count] + Array("\r\n".utf8)
            guard send(connection, framed) else { return false }
            left -= count
        }
        return declaringLength || send(connection, "0\r\n\r\n")
    }

    /// Reads up to the blank line after the request headers and skips a `Content-Length` body; false at EOF.
    private func readRequestHead(_ connection: Int32) -> Bool {
        var head = [UInt8]()
        var byte: UInt8 = 0
        while !head.ends(with: Array("\r\n\r\n".utf8)) {
            guard recv(connection, &byte, 1, 0) == 1 else { return false }
            head.append(byte)
            if head.count > 1 << 20 { return false }
        }
        let text = String(decoding: head, as: UTF8.self).lowercased()
        if let line = text.split(separator: "\r\n").first(where: { $0.hasPrefix("content-length:") }),
            var remaining = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces))
        {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while remaining > 0 {
                let read = recv(connection, &buffer, min(buffer.count, remaining), 0)
                guard read > 0 else { return false }
                remaining -= read
            }
        }
        return true
    }

    private func waitForHangUp(_ connection: Int32) {
        var byte: UInt8 = 0
        while recv(connection, &byte, 1, 0) > 0 {}
    }

    private func send(_ connection: Int32, _ text: String) -> Bool {
        send(connection, Array(text.utf8))
    }

    /// Writes everything, or answers false once the client has gone (MSG_NOSIGNAL: no SIGPIPE for the tests).
    private func send(_ connection: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard written > 0 else { return false }
            offset += written
        }
        return true
    }
}

extension Array where Element == UInt8 {
    fileprivate func ends(with suffix: [UInt8]) -> Bool {
        count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix
    }
}

/// The largest resident set a running process reached so far (`VmHWM`), in bytes; nil once it is gone.
public func peakResidentBytes(of pid: Int32) -> Int? {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
        let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "")
    else { return nil }
    return kilobytes * 1024
}

extension HostileHTTPServer {
    /// Starts a tool against this server and, half a second after its first request was answered, reports whether
    /// it is still running (waiting to retry), then stops it. A trap would have ended it with a signal instead.
    public func runTool(_ name: String, _ arguments: [String], environment: [String: String]) async throws
        -> (stillRunning: Bool, result: BuiltProduct.Result)
    {
        let process = try BuiltProduct.start(name, arguments, environment: environment)
        _ = try await offThePool { eventually(timeout: 30) { self.requestCount >= 1 } }
        try await Task.sleep(for: .milliseconds(500))
        let running = process.process.isRunning
        process.process.terminate()
        return (running, try await offThePool { process.finish() })
    }
}

extension RunningProduct {
    /// Waits for the process to exit, killing it after `timeout`, and reports the peak resident memory seen.
    public func finishMeasuringMemory(timeout: TimeInterval) -> (result: BuiltProduct.Result, peakBytes: Int) {
        let deadline = Date().addingTimeInterval(timeout)
        var peak = 0
        while process.isRunning && Date() < deadline {
            peak = max(peak, peakResidentBytes(of: process.processIdentifier) ?? 0)
            usleep(20_000)
        }
        if process.isRunning { process.terminate() }
        return (finish(), peak)
    }
}
