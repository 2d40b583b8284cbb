import Foundation
@testable import LoadGen
import Testing

struct LoadMetricsTests {
    @Test func latencyCountsFromTheIntendedTimeAndWarmupIsExcluded() {
        var metrics = LoadMetrics()
        // Ten sends at 100/s; the fifth left 30 ms late (a stall): its latency includes the stall.
        for index in 0..<10 {
            let due = Duration.milliseconds(index * 10)
            let lag: Duration = index == 4 ? .milliseconds(30) : .microseconds(50)
            metrics.sends.addSend(at: due + lag, lag: lag, measured: index > 0)
            metrics.deliveries.addDelivery(
                at: due + lag + .milliseconds(2), latency: lag + .milliseconds(2), service: .milliseconds(2), bytes: 1000,
                measured: index > 0)
        }
        #expect(metrics.latencySummary.count == 9, "the warm-up send is not measured")
        #expect(abs(metrics.latencySummary.max - 32) < 0.1)
        #expect(abs(metrics.serviceTimeSummary.max - 2) < 0.01)
        #expect(metrics.lateSends == 1)
        #expect(abs(metrics.lagSummary.max - 30) < 0.1)
        #expect(abs(metrics.achievedRate - 8 / 0.08) < 15, "rate spans the measured sends")
    }

    @Test func failuresAreCountedByKindAndPerSecond() {
        var metrics = LoadMetrics()
        metrics.sends.addSend(at: .milliseconds(100), lag: .zero, measured: true)
        metrics.sends.addSend(at: .milliseconds(1100), lag: .zero, measured: true)
        metrics.deliveries.addFailure(at: .milliseconds(1500), kind: "_MSG_TIMED_OUT")
        metrics.deliveries.addFailure(at: .milliseconds(2500), kind: "_MSG_TIMED_OUT")
        let series = metrics.timeseries
        #expect(series.map(\.sent) == [1, 1, 0])
        #expect(series.map(\.failed) == [0, 1, 1])
        #expect(metrics.failures == ["_MSG_TIMED_OUT": 2])
        #expect(metrics.failed == 2)
    }
}

struct ReporterTests {
    @Test func jsonHasTheDocumentedFields() throws {
        let json = try JSONSerialization.jsonObject(with: LoadReporters.json(sampleReport(p99: 5, failed: 0, rate: 99))) as! [String: Any]
        for field in [
            "target_rate", "achieved_rate", "sent", "delivered", "failed", "bytes_delivered", "duration_s", "latency_ms",
            "service_time_ms", "schedule_lag_ms", "late_sends",
        ] {
            #expect(json[field] != nil, "\(field)")
        }
        let latency = json["latency_ms"] as! [String: Any]
        #expect(Set(["p50", "p90", "p99", "p999", "max"]).isSubset(of: latency.keys))
        #expect(Set(["p50", "p99", "max"]).isSubset(of: (json["schedule_lag_ms"] as! [String: Any]).keys))
    }

    @Test func csvAndSVGDescribeEverySecond() {
        let seconds = (0..<5).map {
            LoadSecond(second: $0, sent: 100, delivered: 99, failed: 1, latencyP50: 2, latencyP99: 9.5, latencyMax: 12, lagP99: 0.1)
        }
        let csv = LoadReporters.csv(seconds).split(separator: "\n")
        #expect(csv.count == 6)
        #expect(csv[0].hasPrefix("second,sent,delivered,failed,latency_p50_ms,latency_p99_ms"))
        #expect(csv[1] == "0,100,99,1,2.0,9.5,12.0,0.1,,,,")
        let svg = LoadReporters.svg(seconds, title: "run <1>")
        #expect(svg.hasPrefix("<svg"))
        #expect(svg.components(separatedBy: "<polyline").count - 1 == 6, "three throughput and three latency lines")
        #expect(svg.contains("run &lt;1&gt;"))
        #expect(svg.contains("images per second") && svg.contains("latency (ms)"))
    }
}
