// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "gentle",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "gentle", targets: ["gentle"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.11.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        // System libraries: module maps with tiny inline shims for variadic or macro-only APIs.
        .systemLibrary(
            name: "CSystemd",
            pkgConfig: "libsystemd",
            providers: [.apt(["libsystemd-dev", "pkg-config"])]
        ),
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev", "pkg-config"])]
        ),
        .systemLibrary(name: "CLinux"),

        // Pure logic: config, calendar engine, planner, records. No I/O; time is passed in.
        .target(
            name: "GentleCore",
            dependencies: [.product(name: "TOMLKit", package: "TOMLKit")]
        ),
        // Adapters to the outside world: D-Bus, SMTP, files, systemd, timers.
        .target(
            name: "GentleSystem",
            dependencies: [
                "GentleCore", "CSystemd", "CCurl", "CLinux",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Thin command-line front end.
        .executableTarget(
            name: "gentle",
            dependencies: [
                "GentleCore", "GentleSystem",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // Shared test helpers: real peers (dbus-daemon, dunst, Xvfb, aiosmtpd, NOTIFY_SOCKET).
        .target(
            name: "GentleTestSupport",
            dependencies: ["GentleCore"],
            path: "Tests/GentleTestSupport"
        ),
        // A helper program the tests and bench/eventlog.sh run as a child process: rapid appends to
        // be killed with SIGKILL, log generation and timed reads, sd_notify and logging probes.
        .executableTarget(
            name: "gentle-test-tool",
            dependencies: ["GentleCore", "GentleSystem", .product(name: "Logging", package: "swift-log")],
            path: "Tests/Tools/GentleTestTool"
        ),
        .testTarget(name: "GentleCoreTests", dependencies: ["GentleCore", "GentleTestSupport"]),
        .testTarget(
            name: "GentleSystemTests",
            dependencies: [
                "GentleCore", "GentleSystem", "GentleTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "GentleIntegrationTests",
            dependencies: ["GentleCore", "GentleTestSupport"]
        ),
    ],
    swiftLanguageModes: [.v6]
)

// `make fuzz` only (GENTLE_FUZZ=1, its own scratch path .build-fuzz): libFuzzer targets under
// Fuzz/, built with -sanitize=fuzzer,address. The normal build never sees them.
if Context.environment["GENTLE_FUZZ"] == "1" {
    package.targets.append(.target(name: "CFuzzer", path: "Fuzz/CFuzzer"))
    for name in ["Calendar", "Config", "EventLog"] {
        package.targets.append(.executableTarget(name: "fuzz-\(name.lowercased())", dependencies: ["GentleCore", "CFuzzer"],
                                                 path: "Fuzz/\(name)"))
    }
}
