import Synchronization

/// A value shared between threads behind a mutex, as a class so closures can capture it (a `Mutex` alone cannot
/// be copied into a closure).
final class SharedState<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    init(_ value: Value) {
        mutex = Mutex(value)
    }

    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        try mutex.withLock { try body(&$0) }
    }
}
