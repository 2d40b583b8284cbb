import Foundation

/// Runs this package's executables the way a user does, and checks their output and exit codes.
public enum BuiltProduct {
    /// Where `swift build` put the executables: beside the test bundle.
    public static func path(_ name: String) -> String {
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0])
        var directory = testBinary.deletingLastPathComponent()
        // On macOS the tests run inside an .xctest bundle; on Linux the bundle is the executable itself.
        while directory.pathExtension == "xctest" || directory.lastPathComponent == "Contents"
            || directory.lastPathComponent == "MacOS"
        {
            directory = directory.deletingLastPathComponent()
        }
        return directory.appendingPathComponent(name).path
    }

    public struct Result: Sendable {
        public let status: Int32
        public let standardOutput: String
        public let standardError: String
    }

    /// Runs the executable to completion (killed after `timeout`) and returns its exit status and output.
    public static func run(
        _ name: String, _ arguments: [String], environment: [String: String] = [:], timeout: TimeInterval = 120
    ) throws -> Result {
        let process = try start(name, arguments, environment: environment)
        let deadline = Date().addingTimeInterval(timeout)
        while process.process.isRunning && Date() < deadline {
            usleep(20_000)
        }
        if process.process.isRunning {
            process.process.terminate()
        }
        return process.finish()
    }

    /// Starts the executable and leaves it running; read its output with `finish()`.
    public static func start(_ name: String, _ arguments: [String], environment: [String: String] = [:]) throws
        -> RunningProduct
    {
        try RunningProduct(path: path(name), arguments: arguments, environment: environment)
    }
}

/// A child process whose output is collected into files, so a chatty child never blocks on a full pipe.
public final class RunningProduct: @unchecked Sendable {
    // @unchecked Sendable: Process is thread-safe for the calls made here (isRunning, terminate, waitUntilExit).
    public let process = Process()
    private let outputURL: URL
    private let errorURL: URL

    init(path: String, arguments: [String], environment: [String: String]) throws {
        let directory = FileManager.default.temporaryDirectory
        outputURL = directory.appendingPathComponent("out-\(UUID().uuidString)")
        errorURL = directory.appendingPathComponent("err-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment
            .filter { !$0.key.hasPrefix("KAFKA_") && !$0.key.hasPrefix("GOOGLE_") && !$0.key.hasPrefix("CONFLUENT_") }
            .merging(environment) { _, new in new }
        process.standardOutput = try FileHandle(forWritingTo: outputURL)
        process.standardError = try FileHandle(forWritingTo: errorURL)
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    public func signal(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// What the process has written to standard output so far.
    public var standardOutputSoFar: String {
        (try? String(contentsOf: outputURL, encoding: .utf8)) ?? ""
    }

    /// Waits for the process to exit and returns its status and output.
    public func finish() -> BuiltProduct.Result {
        process.waitUntilExit()
        defer {
            try? FileManager.default.removeItem(at: outputURL)
            try? FileManager.default.removeItem(at: errorURL)
        }
        return BuiltProduct.Result(
            status: process.terminationStatus,
            standardOutput: (try? String(contentsOf: outputURL, encoding: .utf8)) ?? "",
            standardError: (try? String(contentsOf: errorURL, encoding: .utf8)) ?? "")
    }
}

/// Polls until `condition` holds or `timeout` passes; returns whether it held. For waiting on other processes,
/// never for measuring speed.
public func eventually(timeout: TimeInterval = 30, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if try condition() { return true }
        usleep(20_000)
    }
    return try condition()
}

/// A loopback port that nothing listens on: bound, then released.
public func unusedLoopbackPort() -> UInt16 {
    let socketHandle = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(socketHandle) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
            bind(socketHandle, generic, length)
            return getsockname(socketHandle, generic, &length)
        }
    }
    return UInt16(bigEndian: address.sin_port)
}

/// Runs blocking work (a Kafka poll loop, waiting for a process) on a thread of its own, so that an async test
/// does not hold one of the few threads of Swift's cooperative pool, which the servers in the test process need.
public func offThePool<Value: Sendable>(_ body: @escaping @Sendable () throws -> Value) async throws -> Value {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}
