import Foundation
import FuzzSupport
import HTTP
import Kafka
import LoadGen
import PipelineConfig

// libFuzzer entry point for the parsers a user or a peer reaches with text: `make fuzz` builds this with
// `--sanitize=fuzzer --sanitize=address` and runs each target, chosen by $FUZZ_TARGET, for $FUZZ_SECONDS.
// Only a crash, a trap or a memory error is a finding: a thrown error is the expected answer to bad input.

enum ParserTarget: String, CaseIterable {
    case pipelineYAML = "pipeline-yaml", duration, rate, ramp, threshold, kafkaProperties = "kafka-properties"
    case retryAfter = "retry-after", responseHeaders = "response-headers"

    func run(_ text: String) {
        switch self {
        case .pipelineYAML:
            _ = try? PipelineConfiguration.parse(text, file: "fuzz.yaml")
        case .duration:
            if let duration = try? parseDuration(text) { _ = formatDuration(duration) }
        case .rate:
            // What image-loadgen does with --rate: Double's parser, then the schedule's check and the schedule.
            if let rate = Double(text), LoadSchedule.problem(withRate: rate, flag: "--rate") == nil {
                let schedule = LoadSchedule.constant(rate: rate, duration: .seconds(10), count: nil)
                _ = schedule.plannedCount
                _ = schedule.dueOffset(of: 12_345)
            }
        case .ramp:
            if let stages = try? LoadSchedule.parseRamp(text) {
                let schedule = LoadSchedule(stages: stages)
                _ = schedule.plannedCount
                _ = schedule.share(workers: 3, index: 1).dueOffset(of: 99)
            }
        case .threshold:
            _ = try? Threshold(parsing: text)
        case .kafkaProperties:
            let path = NSTemporaryDirectory() + "fuzz-\(getpid()).properties"
            _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
            _ = try? KafkaProperties.load(contentsOf: path)
        case .responseHeaders:
            // A response's header block, line by line as libcurl hands it over, then the lookups callers make.
            let headers = text.split(separator: "\n").compactMap { HTTPHeader(responseLine: String($0)) }
            _ = RetryPolicy.parseRetryAfter(headers.value(named: "Retry-After"))
            _ = headers.value(named: "content-type")
        case .retryAfter:
            if let delay = RetryPolicy.parseRetryAfter(text) {
                _ = RetryPolicy().delay(afterAttempt: 2, retryAfter: delay, jitter: 0.5)
            }
        }
    }
}

private let target = chosenFuzzTarget(ParserTarget.self)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    target.run(String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self))
    return 0
}
