import HTTP
import Kafka

/// Settings of the stream app engine. Defaults match `stream_app` in `pipeline.yaml`.
public struct StreamAppConfiguration: Sendable {
    /// librdkafka properties for both the consumer and the producer (bootstrap servers, SASL, …). The producer's
    /// `partitioner` defaults to `murmur2_random`, the Java client's, so a key lands on the same partition number
    /// in the output topic as Java and Kafka Streams producers put it in the input topic.
    public var kafkaProperties: KafkaProperties
    /// Default: `images`.
    public var inputTopic = "images"
    /// Default: `predictions`.
    public var outputTopic = "predictions"
    /// Default: `images-dlq`.
    public var deadLetterTopic = "images-dlq"
    /// Default: `inference-app`.
    public var groupID = "inference-app"
    /// Requests in flight to the model. Default: 32.
    public var concurrency = 32
    /// Images per model request (the `instances` list). Default: 8.
    public var batchSize = 8
    /// How long a request waits for more images to fill its batch, once it has one. Default: 2 ms.
    public var batchLinger = Duration.milliseconds(2)
    /// Messages read but not yet acknowledged downstream (predicting, waiting for a slot, or being produced);
    /// reading stops at this bound, which bounds memory. Default: 2 × concurrency × batch size, at least 4 × concurrency.
    public var maxBufferedMessages: Int?
    /// How long the buffer may stay full before the partitions are paused (resumed at half the bound), so that a
    /// long model outage keeps the consumer polling and in its group. Default: 1 s.
    public var pauseAfter = Duration.seconds(1)
    /// Bounds one model call. Default: 10 s.
    public var requestTimeout = Duration.seconds(10)
    /// Calls of one image that may fail retriably (timeouts, 429, 5xx) while the model answers others, before the
    /// image goes to the dead-letter topic as `retries exhausted: <last error>`. Failures during a systemic failure
    /// do not count. Default: 5.
    public var maxAttempts = 5
    /// Backoff between attempts; a `Retry-After` from the server wins. Default: 100 ms doubling to 5 s.
    public var retryBackoff = RetryPolicy(maxAttempts: Int.max, initialBackoff: .milliseconds(100), maxBackoff: .seconds(5))
    /// The circuit breaker: retriable failures of this many different requests within `breakerWindow`, with no
    /// success in between, make the failure systemic (pause, retry, never dead-letter). Default: 5.
    public var breakerThreshold = 5
    /// Default: 10 s.
    public var breakerWindow = Duration.seconds(10)
    /// How often the model's status is checked (and its version discovered) while all is well; every second while
    /// it is not. Default: 10 s.
    public var modelCheckInterval = Duration.seconds(10)
    /// How often acknowledged offsets are committed (also on revoke and on stop). Default: 1 s.
    public var commitInterval = Duration.seconds(1)
    /// `/healthz` fails when work is pending and nothing has progressed (no model answer, no acknowledgement, no
    /// poll) for this long, so that Kubernetes restarts a wedged pod. Default: 2 min.
    public var stallTimeout = Duration.seconds(120)
    /// On stop, how long to let in-flight work finish before abandoning it (uncommitted, so it is redone by the
    /// next owner of the partition). Default: 20 s.
    public var drainTimeout = Duration.seconds(20)
    /// How old the partition leaders' high watermarks behind the consumer-lag gauge may get before a scrape of
    /// /metrics asks them again (fetches update them in between). Default: 5 s.
    public var lagInterval = Duration.seconds(5)

    public init(kafkaProperties: KafkaProperties) {
        self.kafkaProperties = kafkaProperties
    }

    var bufferLimit: Int { maxBufferedMessages ?? max(4 * concurrency, 2 * concurrency * batchSize) }

    /// The producer's properties: the user's, over `murmur2_random`.
    var producerProperties: KafkaProperties {
        KafkaProperties(["partitioner": "murmur2_random"]).merging(kafkaProperties)
    }
}
