import HTTP
import Kafka

/// Settings of the stream app engine. Defaults match `stream_app` in `pipeline.yaml`.
public struct StreamAppConfiguration: Sendable {
    /// librdkafka properties for both the consumer and the producer (bootstrap servers, SASL, …).
    public var kafkaProperties: KafkaProperties
    /// Default: `images`.
    public var inputTopic = "images"
    /// Default: `predictions`.
    public var outputTopic = "predictions"
    /// Default: `images-dlq`.
    public var deadLetterTopic = "images-dlq"
    /// Default: `inference-app`.
    public var groupID = "inference-app"
    /// Predictions in flight to the model. Default: 32.
    public var concurrency = 32
    /// Messages read but not yet acknowledged downstream (predicting, waiting for a slot, or being produced);
    /// reading stops at this bound, which bounds memory. Default: 4 × concurrency.
    public var maxBufferedMessages: Int?
    /// How long the buffer may stay full before the partitions are paused (resumed at half the bound), so that a
    /// long model outage keeps the consumer polling and in its group. Default: 1 s.
    public var pauseAfter = Duration.seconds(1)
    /// Bounds one model call. Default: 10 s.
    public var requestTimeout = Duration.seconds(10)
    /// Backoff between attempts on retriable model errors; attempts go on until the model answers or the app
    /// stops, since a model outage is no reason to dead-letter good images. Default: 100 ms doubling to 5 s.
    public var retryBackoff = RetryPolicy(maxAttempts: Int.max, initialBackoff: .milliseconds(100), maxBackoff: .seconds(5))
    /// On stop, how long to let in-flight work finish before abandoning it (uncommitted, so it is redone by the
    /// next owner of the partition). Default: 20 s.
    public var drainTimeout = Duration.seconds(20)
    /// How old the partition leaders' high watermarks behind the consumer-lag gauge may get before a scrape of
    /// /metrics asks them again (fetches update them in between). Default: 5 s.
    public var lagInterval = Duration.seconds(5)

    public init(kafkaProperties: KafkaProperties) {
        self.kafkaProperties = kafkaProperties
    }

    var bufferLimit: Int { maxBufferedMessages ?? 4 * concurrency }
}
