import Foundation

/// Header names of the messages that flow through the pipeline, shared by the load generator, the stream app and
/// every reader, so that an image can be traced from its intended send time to its prediction.
public enum ImageMessageHeaders {
    /// The image's id within its run, decimal.
    public static let imageID = "image-id"
    /// A UUID per load-generator run; readers ignore messages of other runs.
    public static let runID = "run-id"
    /// The open-loop schedule's intended send time, microseconds since the Unix epoch.
    public static let scheduledAt = "scheduled-at-us"
    /// The actual send time, microseconds since the Unix epoch.
    public static let sentAt = "sent-at-us"
    public static let contentType = "content-type"
    public static let jpegContentType = "image/jpeg"

    /// Added by the stream app to a prediction.
    public static let predictedAt = "predicted-at-us"
    public static let sourcePartition = "source-partition"
    public static let sourceOffset = "source-offset"

    /// Added by the stream app to a dead letter.
    public static let deadLetterReason = "dlq-reason"
    public static let deadLetterSourceTopic = "dlq-source-topic"
    public static let deadLetterSourcePartition = "dlq-source-partition"
    public static let deadLetterSourceOffset = "dlq-source-offset"
    public static let deadLetterAt = "dlq-at-us"

    /// The wall clock as the time headers carry it: microseconds since the Unix epoch, in integer arithmetic, so
    /// that no clock reading, however odd, can trap a conversion.
    public static func currentTimeMicroseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) &* 1_000_000 &+ Int64(now.tv_nsec) / 1000
    }
}
