import CCurl
import CCurlShim
import Foundation

/// One request in flight: the easy handle, what libcurl writes back, and the continuation to resume.
///
/// `@unchecked Sendable`: after `submit` only the engine thread touches it, until it resumes the continuation.
final class CurlTransfer: @unchecked Sendable {
    let easy: UnsafeMutableRawPointer
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private(set) var body = Data()
    private(set) var headers: [HTTPHeader] = []
    /// libcurl keeps this pointer and writes its detailed message there, so it must not move.
    private let errorBuffer: UnsafeMutablePointer<CChar> = {
        let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        buffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        return buffer
    }()
    let url: String
    var continuation: CheckedContinuation<HTTPResponse, any Error>?

    init(request: HTTPRequest, timeout: Duration, connectTimeout: Duration, userAgent: String, caBundle: String?) throws {
        guard let easy = curl_easy_init() else {
            throw HTTPClientError(kind: .other, url: request.url, reason: "libcurl could not create a handle")
        }
        self.easy = easy
        url = request.url
        try configure(request, timeout: timeout, connectTimeout: connectTimeout, userAgent: userAgent, caBundle: caBundle)
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
            ccurl_setopt_long(easy, CURLOPT_TIMEOUT_MS, Int(timeout.milliseconds)),
            ccurl_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, Int(connectTimeout.milliseconds)),
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
                kind: .other, url: url, reason: String(cString: curl_easy_strerror(failed)), curlCode: Int32(failed.rawValue))
        }
    }

    fileprivate func append(body chunk: UnsafeRawBufferPointer) {
        body.append(contentsOf: chunk)
    }

    fileprivate func append(headerLine: String) {
        let line = headerLine.trimmingCharacters(in: .whitespacesAndNewlines)
        if line.hasPrefix("HTTP/") {
            // A new status line (after a redirect or "100 Continue"): only the final response's headers count.
            headers.removeAll()
        } else if let colon = line.firstIndex(of: ":") {
            headers.append(
                HTTPHeader(
                    String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
    }

    /// The response, or the error libcurl finished with.
    func result(_ code: CURLcode) -> Result<HTTPResponse, any Error> {
        guard code == CURLE_OK else {
            let detail = String(cString: errorBuffer)
            let reason = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
            return .failure(HTTPClientError(kind: Self.kind(of: code), url: url, reason: reason, curlCode: Int32(code.rawValue)))
        }
        var status = 0
        _ = ccurl_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        return .success(HTTPResponse(status: status, headers: headers, body: body))
    }

    static func kind(of code: CURLcode) -> HTTPClientError.Kind {
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

private func curlWriteBody(data: UnsafeMutablePointer<CChar>?, size: Int, count: Int, userdata: UnsafeMutableRawPointer?) -> Int {
    guard let data, let userdata else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
    transfer.append(body: UnsafeRawBufferPointer(start: data, count: size * count))
    return size * count
}

private func curlWriteHeader(data: UnsafeMutablePointer<CChar>?, size: Int, count: Int, userdata: UnsafeMutableRawPointer?) -> Int {
    guard let data, let userdata else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
    let bytes = UnsafeRawBufferPointer(start: data, count: size * count)
    transfer.append(headerLine: String(decoding: bytes, as: UTF8.self))
    return size * count
}

extension Duration {
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
