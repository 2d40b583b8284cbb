import Foundation
import Kafka
import Testing

struct KafkaLibraryTests {
    static let expectedVersion = ProcessInfo.processInfo.environment["EXPECTED_LIBRDKAFKA_VERSION"]

    /// `make test-librdkafka-current` names the librdkafka it built: a run that silently linked another one (the
    /// system's, through a missing rpath) fails here instead of passing on the wrong library.
    @Test(.enabled(if: expectedVersion != nil, "EXPECTED_LIBRDKAFKA_VERSION is not set"))
    func linkedLibraryIsTheOneTheRunWasBuiltFor() {
        #expect(KafkaLibrary.linkedVersionString == Self.expectedVersion)
    }
}
