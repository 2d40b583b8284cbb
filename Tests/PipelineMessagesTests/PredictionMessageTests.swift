import Foundation
import PipelineMessages
import Testing

struct PredictionMessageTests {
    @Test func encodesTheContractShapeWithSortedKeys() throws {
        let message = PredictionMessage(
            imageID: "42", model: .init(name: "image-classifier", version: "1"),
            predictions: [.init(label: "red", score: 0.5)],
            timing: .init(modelMilliseconds: 12.5, queueMilliseconds: 0.5, totalMilliseconds: 13))
        let text = String(decoding: try message.encoded(), as: UTF8.self)
        #expect(
            text == #"{"image_id":"42","model":{"name":"image-classifier","version":"1"},"#
                + #""predictions":[{"label":"red","score":0.5}],"timing":{"model_ms":12.5,"queue_ms":0.5,"total_ms":13}}"#)
        #expect(try PredictionMessage.decode(Data(text.utf8)) == message)
    }
}
