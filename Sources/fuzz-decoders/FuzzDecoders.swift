import Foundation
import FuzzSupport
import Google
import JPEG
import ModelServing

// libFuzzer entry point for what a model server or a file sends back: the TF Serving and Vertex AI response
// decoders and the JPEG decoder (its C shim and libjpeg). See fuzz-parsers for how `make fuzz` runs it.

enum DecoderTarget: String, CaseIterable {
    case tfServingResponse = "tf-serving-response", vertexResponse = "vertex-response", jpeg

    func run(_ data: Data) {
        switch self {
        case .tfServingResponse:
            _ = try? JSONDecoder().decode(TFServingPredictResponse.self, from: data)
            _ = try? JSONDecoder().decode(TFServingModelStatus.self, from: data)
        case .vertexResponse:
            if let response = try? JSONDecoder().decode(VertexPredictResponse.self, from: data) {
                _ = try? JSONEncoder().encode(response)
            }
        case .jpeg:
            _ = try? decoder.dimensions(of: data)
            _ = try? decoder.decode(data)
        }
    }
}

// One decoder for the whole run, as the stream app keeps one per worker: state left over from a bad image
// must not break the next.
nonisolated(unsafe) private let decoder = try! JPEGDecoder()

private let target = chosenFuzzTarget(DecoderTarget.self)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    target.run(Data(bytes: data, count: size))
    return 0
}
