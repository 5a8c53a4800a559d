// swift-tools-version: 6.1
// CollabBench: a harness that measures how well LLM agents collaborate over many turns.

import PackageDescription

/// Settings shared by every target: Swift 6 language mode with strict concurrency, plus the
/// upcoming features that keep module boundaries honest.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "CollabBench",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "collabbench", targets: ["collabbench"]),
        .library(name: "CollabBenchCore", targets: ["CollabBenchCore"]),
        .library(name: "CollabBenchMetrics", targets: ["CollabBenchMetrics"]),
        .library(name: "CollabBenchRunner", targets: ["CollabBenchRunner"]),
        .library(name: "CollabBenchServer", targets: ["CollabBenchServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.100.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.0"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.3.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
    ],
    targets: [
        // Pure domain model: tasks, conversations, the engine, prompts, model-call protocol. No I/O
        // beyond reading the bundled prompt templates.
        .target(
            name: "CollabBenchCore",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            resources: [.copy("Prompts/Templates")],
            swiftSettings: swiftSettings
        ),
        // Metric kernels (BLEU, math answers, BPE tokenizer, CPython-compatible sampling).
        // Dependency-free on purpose: each kernel is checked against its Python reference.
        .target(name: "CollabBenchMetrics", swiftSettings: swiftSettings),
        // The one child-process supervisor: start a program, await its exit without blocking a
        // thread, deadlines on an injected clock, teardown of its process group. Foundation only.
        .target(name: "CollabBenchProcess", swiftSettings: swiftSettings),
        // Task packs on disk: loading, validation, dataset importers.
        .target(
            name: "CollabBenchPacks",
            dependencies: [
                "CollabBenchCore", "CollabBenchMetrics",
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                // Download/: fetching the standard datasets.
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // Model clients that speak HTTP to real model servers.
        .target(
            name: "CollabBenchModels",
            dependencies: [
                "CollabBenchCore", "CollabBenchProcess",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // Scoring of finished conversations: extraction, code sandbox, tokenizer files.
        .target(
            name: "CollabBenchScoring",
            dependencies: [
                "CollabBenchCore", "CollabBenchMetrics", "CollabBenchProcess",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [.copy("Sandbox/sandbox_runner.py")],
            swiftSettings: swiftSettings
        ),
        // The SQLite store (GRDB over the system libsqlite3). All SQL lives here.
        .target(
            name: "CollabBenchStore",
            dependencies: ["CollabBenchCore", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        // Leaderboards and other reports computed from the store.
        .target(
            name: "CollabBenchReports",
            dependencies: ["CollabBenchCore", "CollabBenchStore", "CollabBenchMetrics"],
            swiftSettings: swiftSettings
        ),
        // Orchestration: runs a pack's conversations concurrently, scores and stores them.
        .target(
            name: "CollabBenchRunner",
            dependencies: [
                "CollabBenchCore", "CollabBenchPacks", "CollabBenchModels", "CollabBenchScoring",
                "CollabBenchStore", "CollabBenchMetrics", "CollabBenchReports", .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        // HTTP services over the store: the results browser and its JSON API, user studies, and the
        // reward service (Hummingbird 2; server-rendered HTML, no Node toolchain).
        .target(
            name: "CollabBenchServer",
            dependencies: [
                "CollabBenchCore", "CollabBenchStore", "CollabBenchReports", "CollabBenchRunner",
                "CollabBenchMetrics", "CollabBenchModels", "CollabBenchPacks", "CollabBenchScoring",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The thin command-line tool.
        .executableTarget(
            name: "collabbench",
            dependencies: [
                "CollabBenchCore", "CollabBenchPacks", "CollabBenchModels", "CollabBenchScoring",
                "CollabBenchStore", "CollabBenchReports", "CollabBenchRunner", "CollabBenchMetrics",
                "CollabBenchServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        // Test support: a loopback HTTP server that speaks the OpenAI protocol with scripted replies.
        .target(
            name: "CollabBenchTestSupport",
            dependencies: [
                "CollabBenchCore", "CollabBenchProcess",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CollabBenchCoreTests",
            dependencies: ["CollabBenchCore", "CollabBenchTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CollabBenchMetricsTests",
            dependencies: ["CollabBenchMetrics", "CollabBenchTestSupport"],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CollabBenchProcessTests",
            dependencies: ["CollabBenchProcess", "CollabBenchTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CollabBenchPacksTests",
            // CollabBenchTestSupport and `collabbench`: the download tests' loopback dataset server and the command's tests.
            dependencies: ["CollabBenchPacks", "CollabBenchCore", "CollabBenchMetrics", "CollabBenchTestSupport", "collabbench"],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CollabBenchModelsTests",
            dependencies: ["CollabBenchModels", "CollabBenchCore", "CollabBenchTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CollabBenchScoringTests",
            dependencies: ["CollabBenchScoring", "CollabBenchCore", "CollabBenchMetrics", "CollabBenchTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CollabBenchStoreTests",
            dependencies: ["CollabBenchStore", "CollabBenchCore", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CollabBenchRunnerTests",
            dependencies: [
                "CollabBenchRunner", "CollabBenchCore", "CollabBenchStore", "CollabBenchReports",
                "CollabBenchTestSupport", "CollabBenchPacks", "CollabBenchModels",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CollabBenchReportsTests",
            dependencies: [
                "CollabBenchReports", "CollabBenchStore", "CollabBenchCore", "CollabBenchRunner", "CollabBenchTestSupport",
                "CollabBenchPacks", "CollabBenchModels", "CollabBenchScoring",
                // Built by the same `swift build`/`swift test`, so the report commands tests run a fresh binary.
                "collabbench",
            ],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        // The HTTP services over real loopback sockets.
        .testTarget(
            name: "CollabBenchServerTests",
            dependencies: [
                "CollabBenchServer", "CollabBenchStore", "CollabBenchCore", "CollabBenchReports", "CollabBenchRunner",
                "CollabBenchTestSupport", "CollabBenchPacks", "CollabBenchModels", "CollabBenchProcess",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                "collabbench",
            ],
            swiftSettings: swiftSettings
        ),
        // Runs the built `collabbench` binary: bad input, and end to end against the real local model.
        .testTarget(
            name: "CollabBenchCLITests",
            // `collabbench`: built by the same `swift build`/`swift test`, so these tests run a fresh binary.
            dependencies: ["CollabBenchStore", "CollabBenchCore", "CollabBenchTestSupport", "CollabBenchProcess", "collabbench"],
            swiftSettings: swiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)

// Benchmarks are built only on request (`make bench`), so normal builds and CI stay lean.
if Context.environment["COLLABBENCH_BENCHMARKS"] == "1" {
    package.targets.append(
        .executableTarget(
            name: "CollabBenchBenchmarks",
            dependencies: [
                "CollabBenchCore", "CollabBenchModels", "CollabBenchPacks", "CollabBenchRunner", "CollabBenchScoring",
                "CollabBenchStore", "CollabBenchTestSupport", "CollabBenchMetrics", "CollabBenchProcess",
                // The reward benchmark: the service over real sockets.
                "CollabBenchServer", .product(name: "AsyncHTTPClient", package: "async-http-client"), .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                // The browse benchmark: `serve`'s router (a Hummingbird router) on a loopback port.
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            path: "Benchmarks/CollabBenchBenchmarks",
            swiftSettings: swiftSettings
        ))
}
