// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "kb",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "kb", targets: ["kb"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        // One trait, not the default two: SwiftPM 6.3 writes the traits' -D flags in a varying order,
        // so with two every re-planned build recompiled Hummingbird (≈ 40 s). kb uses no ConfigReader.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: ["FullFoundation"]),
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", exact: "0.12.1"),
    ],
    targets: [
        // cmark-gfm (GitHub-flavoured CommonMark) from Debian's libcmark-gfm-dev.
        .systemLibrary(
            name: "CCmarkGFM",
            pkgConfig: "libcmark-gfm",
            providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]
        ),
        // Small POSIX helpers Foundation lacks: atomic directory exchange, posix_spawn chdir.
        .target(name: "CKBSystem"),
        .target(name: "KBCore", dependencies: ["CKBSystem"]),
        .target(name: "KBMarkdown", dependencies: ["KBCore", "CCmarkGFM"]),
        .target(name: "KBContent", dependencies: ["KBCore", "KBMarkdown", "Yams"]),
        .target(name: "KBChecks", dependencies: ["KBCore", "KBContent", "CKBSystem"]),
        .target(name: "KBSite", dependencies: [
            "KBCore", "KBMarkdown", "KBContent",
            .product(name: "Mustache", package: "swift-mustache"),
        ], plugins: ["EmbedTheme"]),
        // The default theme: Templates/ compiled into KBSite at build time as `DefaultTheme.files`.
        .plugin(name: "EmbedTheme", capability: .buildTool(), dependencies: ["EmbedThemeTool"]),
        .executableTarget(name: "EmbedThemeTool", path: "Plugins/EmbedThemeTool"),
        .target(name: "KBSearch", dependencies: [
            "KBCore", "KBMarkdown", "KBContent",
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .target(name: "KBBuild", dependencies: [
            "KBCore", "KBContent", "KBSite", "KBSearch", "KBChecks",
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        // Alerts ↔ runbooks, Prometheus rules, status from the Prometheus API, Alertmanager's webhook.
        .target(name: "KBCluster", dependencies: ["KBCore", "KBContent", "Yams"]),
        .target(name: "KBCommands", dependencies: [
            "KBCore", "KBMarkdown", "KBContent", "KBSite", "KBBuild", "KBSearch", "KBChecks", "KBCluster",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "MCP", package: "swift-sdk"),
        ]),
        .executableTarget(name: "kb", dependencies: ["KBCommands"]),
        .target(name: "KBTesting", dependencies: ["KBCore"]),
        .testTarget(name: "KBCoreTests", dependencies: ["KBCore"]),
        .testTarget(name: "KBMarkdownTests", dependencies: ["KBMarkdown", "KBCore"]),
        .testTarget(name: "KBContentTests", dependencies: ["KBContent", "KBCore", "KBTesting"]),
        .testTarget(name: "KBChecksTests", dependencies: ["KBChecks", "KBContent", "KBCore", "KBTesting"]),
        .testTarget(name: "KBSiteTests", dependencies: ["KBSite", "KBMarkdown", "KBContent", "KBCore", "KBTesting"]),
        .testTarget(name: "KBSearchTests", dependencies: ["KBSearch", "KBContent", "KBCore", "KBTesting"],
                    exclude: ["tokenizer-vectors.json", "query-vectors.json"]),
        .testTarget(name: "KBBuildTests", dependencies: ["KBBuild", "KBCore", "KBSearch", "KBTesting",
                                                    .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "KBClusterTests", dependencies: ["KBCluster", "KBContent", "KBCore", "KBTesting", "Yams"]),
        .testTarget(name: "EndToEndTests", dependencies: ["KBTesting"],
                    exclude: ["Fixtures", "Golden", "Scripts"]),
    ]
)

// libFuzzer targets for bench/libfuzz.sh only (`KB_FUZZ=1 swift build -Xswiftc -sanitize=fuzzer …`):
// never part of a normal build.
if Context.environment["KB_FUZZ"] == "1" {
    package.targets.append(.executableTarget(name: "kb-fuzz", dependencies: ["KBContent", "KBSearch", "KBCore"],
                                             path: "bench/fuzz/Targets"))
    package.products.append(.executable(name: "kb-fuzz", targets: ["kb-fuzz"]))
}
