import CRdKafka
import Foundation

/// librdkafka functions that the oldest supported library (Debian 12's 2.0.2, whose headers this may be built
/// against) lacks, looked up in the library linked at run time; nil where it lacks them too.
enum RDKafkaNewerFunctions {
    typealias MockClusterSetting = @convention(c) (OpaquePointer?, Int32) -> Void

    /// The embedded cluster's `group.initial.rebalance.delay.ms` (absent from 2.0.2).
    static let mockGroupInitialRebalanceDelay: MockClusterSetting? = lookUp("rd_kafka_mock_group_initial_rebalance_delay_ms")

    private static func lookUp<Function>(_ name: String) -> Function? {
        // A null handle is RTLD_DEFAULT: every library the process has loaded, librdkafka among them.
        guard let symbol = dlsym(nil, name) else { return nil }
        return unsafeBitCast(symbol, to: Function.self)
    }
}
