import Foundation

/// Ways to write a finished run. Each is a function of the report alone, so they can be tested and combined.
public enum LoadReporters {
    public static func json(_ report: LoadReport) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try encoder.encode(report)
    }

    /// The human summary: the same fields in a fixed layout.
    public static func text(_ report: LoadReport) -> String {
        func row(_ name: String, _ summary: LatencySummary) -> String {
            String(
                format: "  %-14@ p50 %8.2f  p90 %8.2f  p99 %8.2f  p99.9 %8.2f  max %8.2f ms", name as NSString,
                summary.p50, summary.p90, summary.p99, summary.p999, summary.max)
        }
        var lines = [
            "image-loadgen run \(report.runID) → \(report.topic)\(report.interrupted ? " (interrupted)" : "")",
            "  system        \(report.system) (librdkafka \(report.librdkafka))"
                + (report.workers > 1
                    ? report.mergedWorkers.map { "; \($0.count) workers combined" } ?? "; worker \(report.workerIndex) of \(report.workers)"
                    : ""),
            "  images        \(report.image.source), mean \(String(format: "%.0f", report.image.meanBytes)) bytes",
            String(
                format: "  rate          target %@  achieved %.1f/s over %.1f s (warm-up %.1f s excluded)",
                report.targetRate == 0 ? "max" : String(format: "%.1f/s", report.targetRate), report.achievedRate,
                report.durationSeconds, report.warmupSeconds),
            "  messages      sent \(report.sent)  delivered \(report.delivered)  failed \(report.failed)"
                + (report.failures.isEmpty
                    ? "" : "  (" + report.failures.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ")"),
            String(format: "  bytes         %.1f MB delivered", Double(report.bytesDelivered) / 1e6),
            row("latency", report.latencyMilliseconds) + "   (from intended send time)",
            row("service time", report.serviceTimeMilliseconds) + "   (from actual send)",
            String(
                format: "  schedule lag  p50 %8.3f  p99 %8.3f  max %8.3f ms; %llu sends more than 1 ms late",
                report.scheduleLagMilliseconds.p50, report.scheduleLagMilliseconds.p99, report.scheduleLagMilliseconds.max,
                report.lateSends),
        ]
        if let e2e = report.endToEndLatencyMilliseconds {
            lines.append(row("end to end", e2e) + "   (\(report.endToEndReceived ?? 0) predictions received)")
        }
        if let verify = report.verify {
            lines.append(
                "  verify        \(verify.isClean ? "clean" : "FAILED"): consumed \(verify.consumed), missing \(verify.missing), "
                    + "duplicates \(verify.duplicates), corrupt \(verify.corrupt)"
                    + (verify.missingSample.isEmpty ? "" : "; first missing ids \(verify.missingSample.map(String.init).joined(separator: ","))"))
        }
        for threshold in report.thresholds {
            lines.append("  threshold     \(threshold.passed ? "pass" : "FAIL") \(threshold.threshold) (actual \(String(format: "%.3f", threshold.actual)))")
        }
        return lines.joined(separator: "\n")
    }

    /// One row per second; the e2e columns are empty when the run did not read predictions (--observe-topic).
    public static func csv(_ seconds: [LoadSecond]) -> String {
        var lines = [
            "second,sent,delivered,failed,latency_p50_ms,latency_p99_ms,latency_max_ms,schedule_lag_p99_ms,"
                + "e2e_received,e2e_p50_ms,e2e_p99_ms,e2e_max_ms"
        ]
        for second in seconds {
            let e2e = second.endToEnd.map { "\($0.count),\($0.p50),\($0.p99),\($0.max)" } ?? ",,,"
            lines.append(
                "\(second.second),\(second.sent),\(second.delivered),\(second.failed),\(second.latencyP50),"
                    + "\(second.latencyP99),\(second.latencyMax),\(second.lagP99),\(e2e)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// An SVG chart: throughput (sent, delivered, failed per second) above latency percentiles, and end-to-end
    /// latency percentiles below when the run read predictions.
    public static func svg(_ seconds: [LoadSecond], title: String) -> String {
        let width = 900.0
        let panelHeight = 260.0
        let left = 70.0
        let right = 150.0
        let plotWidth = width - left - right
        let count = max(seconds.count, 2)
        func x(_ index: Int) -> Double { left + plotWidth * Double(index) / Double(count - 1) }

        func panel(top: Double, label: String, series: [(String, String, [Double])]) -> String {
            let maximum = niceCeiling(series.flatMap(\.2).max() ?? 1)
            func y(_ value: Double) -> Double { top + panelHeight - panelHeight * value / maximum }
            var svg = "<g>\n"
            svg += "<rect x=\"\(left)\" y=\"\(top)\" width=\"\(plotWidth)\" height=\"\(panelHeight)\" fill=\"#fafafa\" stroke=\"#999\"/>\n"
            for step in 0...4 {
                let value = maximum * Double(step) / 4
                svg += "<line x1=\"\(left)\" x2=\"\(left + plotWidth)\" y1=\"\(y(value))\" y2=\"\(y(value))\" stroke=\"#e0e0e0\"/>\n"
                svg += "<text x=\"\(left - 6)\" y=\"\(y(value) + 4)\" text-anchor=\"end\" font-size=\"11\">\(format(value))</text>\n"
            }
            svg += "<text x=\"16\" y=\"\(top + panelHeight / 2)\" font-size=\"12\" transform=\"rotate(-90 16 \(top + panelHeight / 2))\" text-anchor=\"middle\">\(label)</text>\n"
            for (index, (name, colour, values)) in series.enumerated() {
                let points = values.enumerated().map { "\(format(x($0.offset))),\(format(y($0.element)))" }.joined(separator: " ")
                svg += "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"1.8\" points=\"\(points)\"/>\n"
                let legendY = top + 16 + Double(index) * 18
                svg += "<line x1=\"\(left + plotWidth + 12)\" x2=\"\(left + plotWidth + 32)\" y1=\"\(legendY - 4)\" y2=\"\(legendY - 4)\" stroke=\"\(colour)\" stroke-width=\"3\"/>\n"
                svg += "<text x=\"\(left + plotWidth + 38)\" y=\"\(legendY)\" font-size=\"12\">\(name)</text>\n"
            }
            return svg + "</g>\n"
        }

        let endToEnd = seconds.contains { $0.endToEnd != nil }
        let panels = endToEnd ? 3.0 : 2.0
        let height = panels * panelHeight + 40 * (panels - 1) + 90
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" font-family="sans-serif">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(left)" y="24" font-size="15" font-weight="bold">\(escape(title))</text>

            """
        svg += panel(
            top: 40, label: "images per second",
            series: [
                ("sent", "#1f77b4", seconds.map { Double($0.sent) }),
                ("delivered", "#2ca02c", seconds.map { Double($0.delivered) }),
                ("failed", "#d62728", seconds.map { Double($0.failed) }),
            ])
        svg += panel(
            top: 80 + panelHeight, label: "latency (ms)",
            series: [
                ("p50", "#2ca02c", seconds.map(\.latencyP50)),
                ("p99", "#ff7f0e", seconds.map(\.latencyP99)),
                ("max", "#d62728", seconds.map(\.latencyMax)),
            ])
        if endToEnd {
            svg += panel(
                top: 120 + 2 * panelHeight, label: "end-to-end latency (ms)",
                series: [
                    ("e2e p50", "#2ca02c", seconds.map { $0.endToEnd?.p50 ?? 0 }),
                    ("e2e p99", "#ff7f0e", seconds.map { $0.endToEnd?.p99 ?? 0 }),
                    ("e2e max", "#d62728", seconds.map { $0.endToEnd?.max ?? 0 }),
                ])
        }
        let axisY = 40 * panels + panels * panelHeight + 18
        for step in 0...5 {
            let index = Int(Double(count - 1) * Double(step) / 5)
            svg += "<text x=\"\(format(x(index)))\" y=\"\(axisY)\" text-anchor=\"middle\" font-size=\"11\">\(index)s</text>\n"
        }
        svg += "<text x=\"\(left + plotWidth / 2)\" y=\"\(axisY + 18)\" text-anchor=\"middle\" font-size=\"12\">seconds since start</text>\n"
        return svg + "</svg>\n"
    }

    static func niceCeiling(_ value: Double) -> Double {
        guard value > 0 else { return 1 }
        let magnitude = pow(10, floor(log10(value)))
        for step in [1.0, 2, 2.5, 5, 10] where step * magnitude >= value {
            return step * magnitude
        }
        return 10 * magnitude
    }

    static func format(_ value: Double) -> String {
        Int(exactly: value).map(String.init) ?? String(format: "%.2f", value)
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
