import Failure
import Synchronization

/// Bounds a whole model call (token fetch included) by one timeout, even when a step inside does not react to
/// cancellation: the caller gets a timeout at the deadline, and the late step's result is dropped.
enum ModelCallDeadline {
    static func run<Value: Sendable>(
        timeout: Duration, _ operation: @escaping @Sendable () async throws(ModelServingError) -> Value
    ) async throws(ModelServingError) -> Value {
        let outcome: Result<Value, ModelServingError> = await withCheckedContinuation { continuation in
            let once = Mutex<CheckedContinuation<Result<Value, ModelServingError>, Never>?>(continuation)
            let finish: @Sendable (Result<Value, ModelServingError>) -> Void = { result in
                once.withLock { pending in
                    pending?.resume(returning: result)
                    pending = nil
                }
            }
            let work = Task {
                do throws(ModelServingError) {
                    finish(.success(try await operation()))
                } catch {
                    finish(.failure(error))
                }
            }
            Task {
                try? await Task.sleep(for: timeout)
                finish(.failure(ModelServingError(.deadlineExceeded, .retriable, reason: "no answer within \(timeout)")))
                work.cancel()
            }
        }
        return try outcome.get()
    }
}
