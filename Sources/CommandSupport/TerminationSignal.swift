import Dispatch
import Foundation

/// Waits for SIGINT or SIGTERM, the way a service is stopped by a person or by Kubernetes.
///
/// `@unchecked Sendable`: `sources` is only written in `init` and kept so the handlers stay installed.
public final class TerminationSignal: @unchecked Sendable {
    private let sources: [any DispatchSourceSignal]
    private let received = DispatchSemaphore(value: 0)

    /// Takes over SIGINT and SIGTERM for this process from now on.
    public init() {
        var sources: [any DispatchSourceSignal] = []
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            sources.append(source)
        }
        self.sources = sources
        for source in sources {
            source.setEventHandler { [received] in received.signal() }
            source.resume()
        }
    }

    /// Blocks the calling thread until a signal arrives.
    public func wait() {
        received.wait()
    }

    /// Suspends until a signal arrives.
    public func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async { [received] in
                received.wait()
                continuation.resume()
            }
        }
    }
}
