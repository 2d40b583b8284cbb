// swift-tools-version: 6.0
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
        .executable(name: "inference-app", targets: ["inference-app"]),
        .executable(name: "local-model-server", targets: ["local-model-server"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
    ],
    targets: [
        // MARK: C libraries from Debian, and the two small shims Swift cannot do without.
        .systemLibrary(name: "CRdKafka", pkgConfig: "rdkafka", providers: [.apt(["librdkafka-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .target(name: "CCurlShim", dependencies: ["CCurl"]),
        .target(name: "CJPEGShim", linkerSettings: [.linkedLibrary("jpeg")]),

        // MARK: One Swift library per concern.
        .target(
            name: "Kafka",
            dependencies: ["CRdKafka", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings),
        .target(
            name: "HTTP",
            dependencies: [
                "CCurlShim",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "FlyingFox", package: "FlyingFox"),
            ],
            swiftSettings: swiftSettings),
        .target(name: "JPEG", dependencies: ["CJPEGShim"], swiftSettings: swiftSettings),
        .target(
            name: "PipelineConfig",
            dependencies: [.product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings),

        .target(name: "PipelineMessages", swiftSettings: swiftSettings),
        .target(
            name: "ModelServing",
            dependencies: ["HTTP", "JPEG", "PipelineMessages"],
            swiftSettings: swiftSettings),
        .target(
            name: "StreamApp",
            dependencies: [
                "Kafka", "HTTP", "JPEG", "ModelServing", "PipelineMessages",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        .target(
            name: "CommandSupport",
            dependencies: [
                "Kafka", "PipelineConfig",
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
            name: "inference-app",
            dependencies: [
                "CommandSupport", "HTTP", "Kafka", "ModelServing", "PipelineConfig", "StreamApp",
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

        // MARK: Tests mirror the libraries.
        .target(name: "TestSupport", path: "Tests/TestSupport", swiftSettings: swiftSettings),
        .testTarget(name: "KafkaTests", dependencies: ["Kafka"], swiftSettings: swiftSettings),
        .testTarget(name: "HTTPTests", dependencies: ["HTTP", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "JPEGTests", dependencies: ["JPEG"], swiftSettings: swiftSettings),
        .testTarget(name: "PipelineConfigTests", dependencies: ["PipelineConfig"], swiftSettings: swiftSettings),
        .testTarget(name: "LocalKafkaTests", dependencies: ["Kafka", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "PipelineMessagesTests", dependencies: ["PipelineMessages"], swiftSettings: swiftSettings),
        .testTarget(
            name: "ModelServingTests", dependencies: ["ModelServing", "HTTP", "JPEG", "TestSupport"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "StreamAppTests",
            dependencies: ["StreamApp", "ModelServing", "Kafka", "HTTP", "JPEG", "PipelineMessages", "TestSupport"],
            swiftSettings: swiftSettings),
    ]
)
