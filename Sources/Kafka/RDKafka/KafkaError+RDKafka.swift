import CRdKafka

/// The factories that read librdkafka's errors.
extension KafkaError {
    static func rdKafka(
        _ code: rd_kafka_resp_err_t, context: String? = nil, file: String = #fileID, line: UInt = #line
    ) -> KafkaError {
        let text = String(cString: rd_kafka_err2str(code))
        return KafkaError(
            code: .wrapping(code), reason: context.map { "\($0): \(text)" } ?? text, file: file, line: line)
    }

    /// Throws unless `code` is `RD_KAFKA_RESP_ERR_NO_ERROR`: the check after every call that answers with a code.
    static func check(
        _ code: rd_kafka_resp_err_t, _ context: String, file: String = #fileID, line: UInt = #line
    ) throws(KafkaError) {
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR else { throw rdKafka(code, context: context, file: file, line: line) }
    }

    /// Takes ownership of an `rd_kafka_error_t` and destroys it.
    static func consuming(
        _ error: OpaquePointer, context: String? = nil, file: String = #fileID, line: UInt = #line
    ) -> KafkaError {
        defer { rd_kafka_error_destroy(error) }
        let text = String(cString: rd_kafka_error_string(error))
        return KafkaError(
            code: .wrapping(rd_kafka_error_code(error)), reason: context.map { "\($0): \(text)" } ?? text,
            isFatal: rd_kafka_error_is_fatal(error) != 0, librdkafkaRetriable: rd_kafka_error_is_retriable(error) != 0,
            file: file, line: line)
    }
}

extension KafkaError.Code {
    static func wrapping(_ code: rd_kafka_resp_err_t) -> Self { Self(rawValue: code.rawValue) }

    var cValue: rd_kafka_resp_err_t { rd_kafka_resp_err_t(rawValue) }

    static func symbolicName(of rawValue: Int32) -> String {
        String(cString: rd_kafka_err2name(rd_kafka_resp_err_t(rawValue)))
    }
}
