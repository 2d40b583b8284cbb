import Foundation
import HTTP

/// The failure taxonomy in one place: every backend turns an HTTP status or a transport failure into a
/// `ModelServingError` here, so the stream app's policy (retry, dead-letter, pause) never looks at raw statuses.
extension ModelServingError {
    /// An answer with a non-2xx status.
    ///
    /// - 400, 413, 422: this image is refused (permanent).
    /// - 408, 425, 429 and 5xx: overload or an outage that may be this image's doing (retriable, bounded).
    /// - Anything else (401, 403, 404 model not found, 405, 415, …): the request can never succeed as configured,
    ///   whatever the image (systemic).
    public static func classifying(status: Int, reason: String, retryAfter: Duration? = nil) -> ModelServingError {
        let kind: Kind =
            switch status {
            case 400, 413, 422: .permanent
            case 408, 425, 429, 500...599: .retriable
            default: .systemic
            }
        return ModelServingError(kind: kind, status: status, reason: reason, retryAfter: retryAfter)
    }

    /// A request that got no answer. A timeout may be this image's doing (a model that chokes on it), so it is
    /// retriable; a server that cannot be found, connected to or trusted is systemic.
    public static func classifying(transport error: HTTPClientError) -> ModelServingError {
        let kind: Kind
        switch error.kind {
        case .timeout, .stalled, .other:
            // A stalled answer is the server's trouble, worth waiting out like a timeout.
            kind = .retriable
        case .responseTooLarge:
            // The answer for these images is over the call's limit: splitting the batch isolates the image.
            kind = .permanent
        case .connection:
            // libcurl: 5/6 cannot resolve (proxy, host), 7 cannot connect. Anything later (a reset, an empty reply)
            // happened while this image was being sent.
            kind = [5, 6, 7].contains(error.curlCode ?? 7) ? .systemic : .retriable
        case .tls, .invalidURL, .insecureURL:
            kind = .systemic
        }
        return ModelServingError(kind: kind, reason: "\(error)")
    }
}
