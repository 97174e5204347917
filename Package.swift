// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "dayshift",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "dayshift", targets: ["dayshift"]),
        .library(name: "Emulators", targets: ["Emulators"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/swiftlang/swift-subprocess.git", from: "1.0.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        // Bottom layer: the domain's vocabulary (issue keys, commands, step names, error kinds), no dependencies.
        .target(name: "DayshiftCore"),
        // Configuration shared by every module.
        .target(
            name: "DayshiftConfig",
            dependencies: ["DayshiftCore", .product(name: "Yams", package: "Yams")]
        ),
        .target(
            name: "Store",
            dependencies: [
                "DayshiftCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "GitHub",
            dependencies: [
                "DayshiftCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "Sandboxes",
            dependencies: [
                "DayshiftCore",
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "Agents",
            dependencies: ["DayshiftCore", "Sandboxes"]
        ),
        // Serves a Hummingbird application in-process (demo, tests, benchmarks, emulators).
        .target(
            name: "HTTPServing",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "IssueObjects",
            dependencies: [
                "DayshiftCore", "DayshiftConfig", "Store", "GitHub", "Sandboxes", "Agents",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "DayshiftServer",
            dependencies: [
                "DayshiftCore", "DayshiftConfig", "Store", "GitHub", "IssueObjects", "Sandboxes", "HTTPServing",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .target(
            name: "Emulators",
            dependencies: [
                "DayshiftCore", "GitHub", "Sandboxes", "HTTPServing",
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "dayshift",
            dependencies: [
                "DayshiftCore", "DayshiftServer", "Emulators", "GitHub", "HTTPServing",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Benchmarks (scripts/bench, BENCHMARKS.md): load targets, baselines and in-process drivers.
        .executableTarget(
            name: "DayshiftBenchmarks",
            dependencies: [
                "DayshiftCore", "DayshiftConfig", "Store", "GitHub", "IssueObjects", "DayshiftServer", "Emulators", "Sandboxes", "HTTPServing",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                // The raw PostgreSQL baseline (postgres-baseline) talks to the server directly.
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .testTarget(
            name: "DayshiftTests",
            dependencies: [
                "DayshiftCore", "DayshiftConfig", "Store", "GitHub", "Sandboxes", "Agents", "IssueObjects",
                "DayshiftServer", "Emulators", "HTTPServing",
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Yams", package: "Yams"),
                // The schema-upgrade test writes a database as the previous version did.
                .product(name: "GRDB", package: "GRDB.swift"),
                // Creates a fresh database per PostgreSQL test; starts the throw-away cluster.
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Subprocess", package: "swift-subprocess"),
            ],
            // Read from the source tree by the spec-conformance tests, not bundled.
            exclude: ["Support/github-openapi-supplement.json"]
        ),
    ]
)
