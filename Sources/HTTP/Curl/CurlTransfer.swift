import CCurl
import CCurlShim
import CheckedNumbers
import Foundation
import Synchronization

/// One request in flight: the easy handle, what libcurl writes back, and the continuation to resume.
///
/// `@unchecked Sendable`: after `submit` only the engine thread touches it, until it resumes the continuation;
/// the one exception, the cancellation flag, is atomic.
final class CurlTransfer: @unchecked Sendable {
    /// Response headers beyond this many bytes end the call: a peer could otherwise send headers forever.
    static let maxHeaderBytes = 256 << 10

    let easy: UnsafeMutableRawPointer
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private(set) var body = Data()
    private(set) var headers: [HTTPHeader] = []
    private var headerBytes = 0
    private let maxBodyBytes: Int
    private let stallTimeout: Duration
    private let timeout: Duration
    /// Set once the blank line after the headers arrived; from then on a silent server counts as stalled.
    private var headersComplete = false
    private var lastActivity = ContinuousClock.now
    /// Why this side ended the transfer, when it did.
    private var stop: Stop?
    private let cancelled = Atomic(false)

    private enum Stop {
        case bodyTooLarge, headersTooLarge, stalled, cancelled
    }
    /// libcurl keeps this pointer and writes its detailed message there, so it must not move.
    private let errorBuffer: UnsafeMutablePointer<CChar> = {
        let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        buffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        return buffer
    }()
    let url: String
    var continuation: CheckedContinuation<HTTPResponse, any Error>?

    init(request: HTTPRequest, configuration: HTTPClientConfiguration) throws {
        guard let easy = curl_easy_init() else {
            throw HTTPClientError(code: .unusable, url: request.url, reason: "libcurl could not create a handle")
        }
        self.easy = easy
        url = request.url
        maxBodyBytes = max(0, request.maxResponseBytes ?? configuration.maxResponseBytes)
        stallTimeout = configuration.stallTimeout
        timeout = request.timeout ?? configuration.timeout
        try configure(
            request, timeout: timeout, connectTimeout: configuration.connectTimeout,
            userAgent: configuration.userAgent, caBundle: configuration.caBundlePath)
    }

    deinit {
        curl_easy_cleanup(easy)
        curl_slist_free_all(headerList)
        errorBuffer.deallocate()
    }

    private func configure(
        _ request: HTTPRequest, timeout: Duration, connectTimeout: Duration, userAgent: String, caBundle: String?
    ) throws {
        var results: [CURLcode] = [
            ccurl_setopt_string(easy, CURLOPT_URL, request.url),
            ccurl_setopt_string(easy, CURLOPT_PROTOCOLS_STR, "http,https"),
            // Verification stays on whatever the caller asks; there is deliberately no switch to turn it off.
            ccurl_setopt_long(easy, CURLOPT_SSL_VERIFYPEER, 1),
            ccurl_setopt_long(easy, CURLOPT_SSL_VERIFYHOST, 2),
            // Signals would be delivered to whichever thread runs libcurl; timeouts do not need them.
            ccurl_setopt_long(easy, CURLOPT_NOSIGNAL, 1),
            // 0 would mean "no timeout" to libcurl, so the shortest is 1 ms.
            ccurl_setopt_long(easy, CURLOPT_TIMEOUT_MS, max(1, Int(clamping: timeout.saturatingMilliseconds))),
            ccurl_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, max(1, Int(clamping: connectTimeout.saturatingMilliseconds))),
            // Refuses a body whose Content-Length is over the limit before reading it; the write callback
            // enforces the limit for bodies without one (chunked, or a peer that lies).
            ccurl_setopt_off_t(easy, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(maxBodyBytes)),
            // The progress callback runs at least once a second: it notices stalls and cancellation.
            ccurl_setopt_long(easy, CURLOPT_NOPROGRESS, 0),
            ccurl_setopt_progress_function(easy, curlProgress),
            ccurl_setopt_pointer(easy, CURLOPT_XFERINFODATA, Unmanaged.passUnretained(self).toOpaque()),
            ccurl_setopt_string(easy, CURLOPT_USERAGENT, userAgent),
            ccurl_setopt_string(easy, CURLOPT_ACCEPT_ENCODING, ""),
            ccurl_setopt_pointer(easy, CURLOPT_ERRORBUFFER, errorBuffer),
            ccurl_setopt_write_function(easy, curlWriteBody),
            ccurl_setopt_pointer(easy, CURLOPT_WRITEDATA, Unmanaged.passUnretained(self).toOpaque()),
            ccurl_setopt_header_function(easy, curlWriteHeader),
            ccurl_setopt_pointer(easy, CURLOPT_HEADERDATA, Unmanaged.passUnretained(self).toOpaque()),
        ]
        if let caBundle {
            results.append(ccurl_setopt_string(easy, CURLOPT_CAINFO, caBundle))
        }
        switch request.method {
        case .get: break
        case .head: results.append(ccurl_setopt_long(easy, CURLOPT_NOBODY, 1))
        default: results.append(ccurl_setopt_string(easy, CURLOPT_CUSTOMREQUEST, request.method.rawValue))
        }
        if let body = request.body {
            results.append(ccurl_setopt_off_t(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)))
            // COPYPOSTFIELDS copies, so the request's Data need not outlive this call.
            results.append(
                body.withUnsafeBytes { bytes in
                    ccurl_setopt_pointer(
                        easy, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!))
                })
        }
        // An empty Expect: stops libcurl waiting for "100 Continue" before sending larger bodies.
        for header in request.headers + [HTTPHeader("Expect", "")] {
            headerList = curl_slist_append(headerList, header.value.isEmpty ? "\(header.name):" : "\(header.name): \(header.value)")
        }
        results.append(ccurl_setopt_pointer(easy, CURLOPT_HTTPHEADER, UnsafeMutableRawPointer(headerList)))
        if let failed = results.first(where: { $0 != CURLE_OK }) {
            throw HTTPClientError(
                code: .unusable, url: url, reason: String(cString: curl_easy_strerror(failed)),
                curlCode: Int32(failed.rawValue))
        }
    }

    /// Asks the engine thread to end the transfer; safe from any thread.
    func requestCancellation() {
        cancelled.store(true, ordering: .releasing)
    }

    var isCancelled: Bool { cancelled.load(ordering: .acquiring) }

    /// Whether libcurl should go on: false ends the transfer, and `result` then says why.
    fileprivate func append(body chunk: UnsafeRawBufferPointer) -> Bool {
        lastActivity = .now
        guard !isCancelled else { return halt(.cancelled) }
        guard chunk.count <= maxBodyBytes - body.count else { return halt(.bodyTooLarge) }
        body.append(contentsOf: chunk)
        return true
    }

    fileprivate func append(header bytes: UnsafeRawBufferPointer) -> Bool {
        lastActivity = .now
        guard !isCancelled else { return halt(.cancelled) }
        headerBytes += bytes.count
        guard headerBytes <= Self.maxHeaderBytes else { return halt(.headersTooLarge) }
        let line = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if line.isEmpty {
            headersComplete = true
        } else if line.hasPrefix("HTTP/") {
            // A new status line (after a redirect or "100 Continue"): only the final response's headers count.
            headers.removeAll()
            headersComplete = false
        } else if let header = HTTPHeader(responseLine: line) {
            headers.append(header)
        }
        return true
    }

    fileprivate func checkProgress() -> Bool {
        guard !isCancelled else { return halt(.cancelled) }
        if headersComplete, ContinuousClock.now - lastActivity > stallTimeout { return halt(.stalled) }
        return true
    }

    private func halt(_ reason: Stop) -> Bool {
        stop = reason
        return false
    }

    /// The response, or the error libcurl finished with.
    func result(_ code: CURLcode) -> Result<HTTPResponse, any Error> {
        switch (stop, code) {
        case (.cancelled, _):
            return .failure(CancellationError())
        case (.bodyTooLarge, _), (_, CURLE_FILESIZE_EXCEEDED):
            return .failure(
                HTTPClientError(
                    code: .responseTooLarge, url: url,
                    reason: "the response body is larger than this call's limit of \(maxBodyBytes) bytes"))
        case (.headersTooLarge, _):
            return .failure(
                HTTPClientError(
                    code: .responseTooLarge, url: url,
                    reason: "the response headers are larger than \(Self.maxHeaderBytes) bytes"))
        case (.stalled, _):
            return .failure(
                HTTPClientError(
                    code: .stalled, url: url,
                    reason: "the server sent its headers and then nothing for \(stallTimeout) (after \(body.count) body bytes)"))
        case (nil, CURLE_OPERATION_TIMEDOUT) where headersComplete:
            return .failure(
                HTTPClientError(
                    code: .stalled, url: url,
                    reason: "the server sent its headers but not the whole body within the \(timeout) timeout"))
        default:
            break
        }
        guard code == CURLE_OK else {
            let detail = String(cString: errorBuffer)
            let reason = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
            return .failure(HTTPClientError(code: Self.code(of: code), url: url, reason: reason, curlCode: Int32(code.rawValue)))
        }
        var status = 0
        _ = ccurl_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        return .success(HTTPResponse(status: status, headers: headers, body: body))
    }

    static func code(of code: CURLcode) -> HTTPClientError.Code {
        switch code {
        case CURLE_OPERATION_TIMEDOUT: .timeout
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_SEND_ERROR,
            CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE:
            .connection
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CONNECT_ERROR, CURLE_SSL_CACERT_BADFILE,
            CURLE_SSL_CERTPROBLEM:
            .tls
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL: .invalidURL
        default: .other
        }
    }
}

// Returning anything but the byte count makes libcurl end the transfer (CURLE_WRITE_ERROR).
private func curlWriteBody(data: UnsafeMutablePointer<CChar>?, size: Int, count: Int, userdata: UnsafeMutableRawPointer?) -> Int {
    guard let data, let userdata else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
    return transfer.append(body: UnsafeRawBufferPointer(start: data, count: size * count)) ? size * count : 0
}

private func curlWriteHeader(data: UnsafeMutablePointer<CChar>?, size: Int, count: Int, userdata: UnsafeMutableRawPointer?) -> Int {
    guard let data, let userdata else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
    return transfer.append(header: UnsafeRawBufferPointer(start: data, count: size * count)) ? size * count : 0
}

// Non-zero ends the transfer (CURLE_ABORTED_BY_CALLBACK).
private func curlProgress(
    userdata: UnsafeMutableRawPointer?, downloadTotal: curl_off_t, downloaded: curl_off_t, uploadTotal: curl_off_t,
    uploaded: curl_off_t
) -> Int32 {
    guard let userdata else { return 0 }
    return Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue().checkProgress() ? 0 : 1
}
