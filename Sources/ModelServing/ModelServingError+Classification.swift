import Failure
import Foundation
import HTTP

/// Every backend turns an HTTP status or a transport failure into a `ModelServingError` here, with the rules every
/// library shares (`FailureKind(httpStatus:)`, `HTTPClientError.failureKind`), so the stream app's policy (retry,
/// dead-letter, pause) never looks at raw statuses.
extension ModelServingError {
    /// An answer with a non-2xx status: 400, 413 and 422 refuse this image (permanent); 408, 425, 429 and 5xx are
    /// overload or an outage that may be this image's doing (retriable, bounded); anything else (401, 403, 404 model
    /// not found, 405, 415, …) means the request can never succeed as configured, whatever the image (systemic).
    public static func classifying(status: Int, reason: String, retryAfter: Duration? = nil) -> ModelServingError {
        ModelServingError(
            .status(status), FailureKind(httpStatus: status), status: status, reason: reason, retryAfter: retryAfter)
    }

    /// A request that got no answer. A timeout may be this image's doing (a model that chokes on it), so it is
    /// retriable; a server that cannot be found, connected to or trusted is systemic; an answer over the call's
    /// limit is permanent, and splitting the batch isolates the image.
    public static func classifying(transport error: HTTPClientError) -> ModelServingError {
        ModelServingError(.transport(error.code), error.failureKind, reason: "\(error)")
    }
}
