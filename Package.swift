// swift-tools-version: 6.0
import Foundation
import PackageDescription

/// Every target compiles with the same settings; each upcoming feature links to its proposal.
let swiftSettings: [SwiftSetting] = [
    // https://github.com/swiftlang/swift-evolution/blob/main/proposals/0335-existential-any.md
    .enableUpcomingFeature("ExistentialAny"),
    // https://github.com/swiftlang/swift-evolution/blob/main/proposals/0444-member-import-visibility.md
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "image-pipeline",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "local-kafka", targets: ["local-kafka"]),
        .executable(name: "image-loadgen", targets: ["image-loadgen"]),
        .executable(name: "topic-provision", targets: ["topic-provision"]),
        .executable(name: "cluster-provision", targets: ["cluster-provision"]),
        .executable(name: "manifest-gen", targets: ["manifest-gen"]),
        .executable(name: "model-provision", targets: ["model-provision"]),
        .executable(name: "inference-app", targets: ["inference-app"]),
        .executable(name: "local-model-server", targets: ["local-model-server"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // MARK: C libraries from Debian, and the two small shims Swift cannot do without.
        .systemLibrary(name: "CRdKafka", pkgConfig: "rdkafka", providers: [.apt(["librdkafka-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .target(name: "CCurlShim", dependencies: ["CCurl"]),
        .target(name: "CJPEGShim", linkerSettings: [.linkedLibrary("jpeg")]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        // MARK: One Swift library per concern.
        // Checked conversions of numbers from outside (flags, files, peers); every other library may use it.
        .target(name: "CheckedNumbers", swiftSettings: swiftSettings),
        // What a failure means (permanent, retriable, systemic) and the one error shape; every library uses it.
        .target(name: "Failure", swiftSettings: swiftSettings),
        .target(
            name: "Kafka",
            dependencies: ["CRdKafka", "CheckedNumbers", "Failure", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings),
        .target(
            name: "HTTP",
            dependencies: [
                "CCurlShim", "CheckedNumbers", "Failure",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "FlyingFox", package: "FlyingFox"),
            ],
            swiftSettings: swiftSettings),
        .target(name: "JPEG", dependencies: ["CJPEGShim", "Failure"], swiftSettings: swiftSettings),
        .target(
            name: "PipelineConfig",
            dependencies: ["CheckedNumbers", "Failure", .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings),
        .target(name: "PipelineMessages", swiftSettings: swiftSettings),
        .target(
            name: "Google",
            dependencies: [
                "CheckedNumbers", "Failure", "HTTP", "PipelineConfig",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        .target(
            name: "Confluent",
            dependencies: ["Failure", "HTTP", "PipelineConfig", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings),
        .target(name: "Kubernetes", dependencies: ["PipelineConfig"], swiftSettings: swiftSettings),
        .target(
            name: "ModelServing",
            dependencies: ["Failure", "Google", "HTTP", "JPEG", "PipelineConfig", "PipelineMessages"],
            swiftSettings: swiftSettings),
        .target(
            name: "StreamApp",
            dependencies: [
                "CheckedNumbers", "Failure", "Kafka", "HTTP", "JPEG", "ModelServing", "PipelineMessages",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        .target(
            name: "LoadGen",
            dependencies: [
                "CZlib", "CheckedNumbers", "Failure", "Kafka", "JPEG", "PipelineConfig", "PipelineMessages",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        .target(
            name: "CommandSupport",
            dependencies: [
                "Confluent", "Failure", "HTTP", "JPEG", "Kafka", "PipelineConfig",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),

        // MARK: Executables: thin command layers.
        .executableTarget(
            name: "local-kafka",
            dependencies: [
                "CommandSupport", "Kafka", "PipelineConfig",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "model-provision",
            dependencies: [
                "CommandSupport", "Google", "HTTP", "PipelineConfig",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "topic-provision",
            dependencies: [
                "CommandSupport", "Confluent", "HTTP", "PipelineConfig",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "cluster-provision",
            dependencies: [
                "CommandSupport", "Confluent", "HTTP", "PipelineConfig",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "manifest-gen",
            dependencies: [
                "CommandSupport", "Kubernetes", "PipelineConfig",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "inference-app",
            dependencies: [
                "CommandSupport", "Google", "HTTP", "Kafka", "ModelServing", "PipelineConfig", "StreamApp",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "local-model-server",
            dependencies: [
                "CommandSupport", "HTTP", "ModelServing", "PipelineConfig",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "image-loadgen",
            dependencies: [
                "CommandSupport", "Kafka", "LoadGen", "PipelineConfig",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),

        // MARK: Baselines that `make bench` measures the tools against, in plain C, and the driver.
        .executableTarget(name: "baseline-kafka-producer", dependencies: ["CRdKafka"]),
        .executableTarget(
            name: "baseline-jpeg-encode", linkerSettings: [.linkedLibrary("jpeg"), .linkedLibrary("pthread")]),
        .executableTarget(
            name: "pipeline-bench",
            dependencies: [.product(name: "ArgumentParser", package: "swift-argument-parser")],
            // The Python baseline stream app, run by the bench in its own virtual environment.
            exclude: ["baseline_stream_app.py"],
            swiftSettings: swiftSettings),

        // MARK: Tests mirror the libraries; the *TestSupport targets hold helpers and the cloud stand-ins.
        .target(name: "TestSupport", path: "Tests/TestSupport", swiftSettings: swiftSettings),
        .target(
            name: "GoogleTestSupport",
            dependencies: [
                "Google", "HTTP", "TestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            path: "Tests/GoogleTestSupport", swiftSettings: swiftSettings),
        .testTarget(name: "CheckedNumbersTests", dependencies: ["CheckedNumbers"], swiftSettings: swiftSettings),
        .testTarget(name: "FailureTests", dependencies: ["Failure"], swiftSettings: swiftSettings),
        // Reads Sources/ to check the layering ARCHITECTURE.md describes.
        .testTarget(name: "ArchitectureTests", swiftSettings: swiftSettings),
        .testTarget(name: "KafkaTests", dependencies: ["Failure", "Kafka"], swiftSettings: swiftSettings),
        .testTarget(name: "HTTPTests", dependencies: ["Failure", "HTTP", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "JPEGTests", dependencies: ["Failure", "JPEG", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "PipelineConfigTests", dependencies: ["Failure", "PipelineConfig"], swiftSettings: swiftSettings),
        .testTarget(name: "PipelineMessagesTests", dependencies: ["PipelineMessages"], swiftSettings: swiftSettings),
        .testTarget(
            name: "GoogleTests", dependencies: ["Failure", "Google", "GoogleTestSupport", "HTTP", "TestSupport"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "ConfluentTests",
            dependencies: [
                "Confluent", "Failure", "HTTP", "PipelineConfig", "TestSupport", .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "KubernetesTests",
            dependencies: ["Kubernetes", "PipelineConfig", "TestSupport", .product(name: "Yams", package: "Yams")],
            exclude: ["Fixtures"], swiftSettings: swiftSettings),
        .testTarget(
            name: "LoadGenTests",
            dependencies: [
                "LoadGen", "Failure", "JPEG", "Kafka", "PipelineMessages", "TestSupport",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            exclude: ["empty.yaml", "decode_histogram_log.py"],
            swiftSettings: swiftSettings),
        .testTarget(name: "LocalKafkaTests", dependencies: ["Kafka", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "ModelServingTests",
            dependencies: [
                "ModelServing", "Google", "GoogleTestSupport", "HTTP", "JPEG", "PipelineConfig", "PipelineMessages",
                "Failure", "TestSupport",
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "StreamAppTests",
            dependencies: ["StreamApp", "ModelServing", "Kafka", "HTTP", "JPEG", "PipelineMessages", "TestSupport"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "ModelProvisionTests", dependencies: ["GoogleTestSupport", "HTTP", "TestSupport"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "CommandTests",
            dependencies: ["CommandSupport", "Confluent", "Failure", "Google", "LoadGen", "PipelineConfig", "TestSupport"],
            swiftSettings: swiftSettings),
    ]
)

// MARK: libFuzzer targets, only for `make fuzz` (PIPELINE_FUZZ=1): libFuzzer supplies their `main`, so an
// ordinary build could not link them.
if ProcessInfo.processInfo.environment["PIPELINE_FUZZ"] != nil {
    let fuzzSettings = swiftSettings + [.unsafeFlags(["-parse-as-library"])]
    package.targets += [
        .target(name: "FuzzSupport", swiftSettings: swiftSettings),
        .executableTarget(
            name: "fuzz-parsers", dependencies: ["FuzzSupport", "HTTP", "Kafka", "LoadGen", "PipelineConfig"],
            swiftSettings: fuzzSettings),
        .executableTarget(
            name: "fuzz-decoders", dependencies: ["FuzzSupport", "Google", "JPEG", "ModelServing"],
            swiftSettings: fuzzSettings),
    ]
}
