import CheckedNumbers
import Foundation
import LoadGen

/// One live line on standard error, rewritten each second: sent, acknowledged, rate, p99, failures.
final class ProgressDisplay: Sendable {
    private let generator: LoadGenerator
    private let running = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)

    init(generator: LoadGenerator) {
        self.generator = generator
        let thread = Thread { [self] in loop() }
        thread.name = "progress"
        thread.start()
    }

    private func loop() {
        var lastSent: UInt64 = 0
        while running.wait(timeout: .now() + 1) == .timedOut {
            let progress = generator.progress
            let line = String(
                format: "\r\u{1B}[K%7.1fs  sent %llu  acked %llu  %.1f/s  p99 %.2f ms  failed %llu  late %llu",
                progress.elapsed.secondsValue, progress.sent, progress.delivered, Double(progress.sent - lastSent),
                progress.latencyP99Milliseconds, progress.failed, progress.lateSends)
            lastSent = progress.sent
            FileHandle.standardError.write(Data(line.utf8))
        }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        finished.signal()
    }

    func stop() {
        running.signal()
        finished.wait()
    }
}
