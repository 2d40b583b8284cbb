import CheckedNumbers
import Failure
import Foundation
import Kafka
import ModelServing
import PipelineMessages

/// Builds the output messages of the message contract: predictions and dead letters, keyed and headed like
/// their input.
enum StreamAppMessages {
    static func prediction(
        for input: KafkaMessage, imageID: String, result: ModelPredictionResult, outputTopic: String,
        modelTime: Duration, totalTime: Duration
    ) throws -> KafkaOutgoingMessage {
        let modelMilliseconds = modelTime.secondsValue * 1000
        let totalMilliseconds = totalTime.secondsValue * 1000
        let value = try PredictionMessage(
            imageID: imageID, model: result.model, predictions: result.predictions,
            timing: .init(
                modelMilliseconds: rounded(modelMilliseconds),
                queueMilliseconds: rounded(max(0, totalMilliseconds - modelMilliseconds)),
                totalMilliseconds: rounded(totalMilliseconds))
        ).encoded()
        var headers = input.headers.filter { $0.name != ImageMessageHeaders.contentType }
        headers.append(KafkaHeader(ImageMessageHeaders.contentType, ImageMessageHeaders.predictionContentType))
        headers.append(KafkaHeader(ImageMessageHeaders.predictedAt, "\(ImageMessageHeaders.currentTimeMicroseconds())"))
        headers.append(KafkaHeader(ImageMessageHeaders.sourcePartition, "\(input.partition)"))
        headers.append(KafkaHeader(ImageMessageHeaders.sourceOffset, "\(input.offset)"))
        return KafkaOutgoingMessage(topic: outputTopic, key: input.key, value: value, headers: headers)
    }

    /// The input unchanged, plus why it could not be predicted and where it came from.
    static func deadLetter(for input: KafkaMessage, topic: String, reason: String) -> KafkaOutgoingMessage {
        let oneLine = reason.onOneLine
        let headers = input.headers + [
            KafkaHeader(ImageMessageHeaders.deadLetterReason, oneLine),
            KafkaHeader(ImageMessageHeaders.deadLetterSourceTopic, input.topic),
            KafkaHeader(ImageMessageHeaders.deadLetterSourcePartition, "\(input.partition)"),
            KafkaHeader(ImageMessageHeaders.deadLetterSourceOffset, "\(input.offset)"),
            KafkaHeader(ImageMessageHeaders.deadLetterAt, "\(ImageMessageHeaders.currentTimeMicroseconds())"),
        ]
        return KafkaOutgoingMessage(topic: topic, key: input.key, value: input.value, headers: headers)
    }

    private static func rounded(_ milliseconds: Double) -> Double {
        (milliseconds * 1000).rounded() / 1000
    }
}
