import CRdKafka

/// The librdkafka linked at run time, which may be newer than the headers this was built against.
enum RDKafkaVersion {
    static var linked: KafkaVersion { KafkaVersion(packed: rd_kafka_version()) }

    static var linkedString: String { String(cString: rd_kafka_version_str()) }
}
