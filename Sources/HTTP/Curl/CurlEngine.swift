import CCurl
import CCurlShim
import Foundation
import Synchronization

/// Runs every transfer of one client on a single thread with libcurl's multi interface, so many requests share
/// connections (keep-alive) and none blocks Swift's cooperative thread pool.
final class CurlEngine: Sendable {
    private let multi: SendableHandle
    private let pending = Mutex(Pending())
    private let stopped = DispatchSemaphore(value: 0)

    private struct Pending {
        var transfers: [CurlTransfer] = []
        var shuttingDown = false
    }

    /// `@unchecked Sendable`: the multi handle is used only on the engine thread, except `curl_multi_wakeup`,
    /// which libcurl documents as callable from any thread.
    private struct SendableHandle: @unchecked Sendable {
        let pointer: UnsafeMutableRawPointer
    }

    init() {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
        multi = SendableHandle(pointer: curl_multi_init()!)
        let thread = Thread { [self] in run() }
        thread.name = "http-curl"
        thread.start()
    }

    func submit(_ transfer: CurlTransfer) {
        let accepted = pending.withLock { pending in
            guard !pending.shuttingDown else { return false }
            pending.transfers.append(transfer)
            return true
        }
        guard accepted else {
            transfer.continuation?.resume(
                throwing: HTTPClientError(code: .unusable, url: transfer.url, reason: "the HTTP client was shut down"))
            return
        }
        curl_multi_wakeup(multi.pointer)
    }

    /// Ends the transfer at once, wherever it is (queued, connecting, reading the body); its caller gets
    /// `CancellationError`. The progress and write callbacks also check the flag, between engine wake-ups.
    func cancel(_ transfer: CurlTransfer) {
        transfer.requestCancellation()
        curl_multi_wakeup(multi.pointer)
    }

    /// Ends the engine thread after failing what is still queued. Waits for the thread to finish.
    func shutdown() {
        pending.withLock { $0.shuttingDown = true }
        curl_multi_wakeup(multi.pointer)
        stopped.wait()
    }

    private func run() {
        var active: [UnsafeMutableRawPointer: CurlTransfer] = [:]
        var running: Int32 = 0
        while true {
            let (incoming, shuttingDown) = pending.withLock { pending in
                defer { pending.transfers.removeAll() }
                return (pending.transfers, pending.shuttingDown)
            }
            if shuttingDown {
                for transfer in Array(active.values) + incoming {
                    curl_multi_remove_handle(multi.pointer, transfer.easy)
                    transfer.continuation?.resume(
                        throwing: HTTPClientError(code: .unusable, url: transfer.url, reason: "the HTTP client was shut down"))
                }
                break
            }
            for transfer in incoming {
                active[transfer.easy] = transfer
                curl_multi_add_handle(multi.pointer, transfer.easy)
            }
            for (easy, transfer) in active where transfer.isCancelled {
                active.removeValue(forKey: easy)
                curl_multi_remove_handle(multi.pointer, easy)
                transfer.continuation?.resume(throwing: CancellationError())
                transfer.continuation = nil
            }
            curl_multi_perform(multi.pointer, &running)
            var remaining: Int32 = 0
            while let info = curl_multi_info_read(multi.pointer, &remaining) {
                guard info.pointee.msg == CURLMSG_DONE, let easy = info.pointee.easy_handle,
                    let transfer = active.removeValue(forKey: easy)
                else { continue }
                let result = transfer.result(info.pointee.data.result)
                curl_multi_remove_handle(multi.pointer, easy)
                transfer.continuation?.resume(with: result)
                transfer.continuation = nil
            }
            curl_multi_poll(multi.pointer, nil, 0, 1000, nil)
        }
        curl_multi_cleanup(multi.pointer)
        stopped.signal()
    }
}
