// swift-tools-version:6.0
import Foundation
import PackageDescription

/// Hot loops over class-owned buffers pay for dynamic exclusivity checks (swift_beginAccess)
/// on every access; release builds of the numeric modules skip them (debug builds and the
/// tests keep them, so a violation is still caught there).
///
/// On x86-64 they also use the POPCNT instruction (every x86-64 server CPU since 2008 has
/// it; without it a bit count is a dozen instructions, a quarter of the CSV fast path), and
/// AVX2 when the building machine has it: a SIMD8<Float> is then one register, not two SSE
/// halves (np=1 demo training +5–15%; models bitwise unchanged, the lanes' operations are
/// the same). Such a binary stops with SIGILL on a CPU without AVX2: build where it runs,
/// or build with `VQL_PORTABLE=1` in the environment to leave AVX2 out.
#if arch(x86_64)
let cpuFlags = ["-Xcc", "-mpopcnt"] + (buildMachineHasAVX2 ? ["-Xcc", "-mavx2"] : [])
#else
let cpuFlags: [String] = []
#endif

var buildMachineHasAVX2: Bool {
    guard ProcessInfo.processInfo.environment["VQL_PORTABLE"] != "1",
          let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
          let flags = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return false }
    return flags.split(separator: " ").contains("avx2")
}
let hotLoops: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"] + cpuFlags, .when(configuration: .release))]

let package = Package(
    name: "vql",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "vql", targets: ["vql"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.0"),
    ],
    targets: [
        // Raw C surfaces: MPI (macros exposed as inline getters) and OpenBLAS's CBLAS.
        .systemLibrary(name: "CMPI", path: "Sources/CMPI", pkgConfig: "ompi-c"),
        .systemLibrary(name: "COpenBLAS", path: "Sources/COpenBLAS", pkgConfig: "openblas"),
        .systemLibrary(name: "CLibc", path: "Sources/CLibc"),
        // Float32 buffers, flat parameter stores, BLAS, RNG, elementwise ops.
        .target(name: "VQLCore", dependencies: ["COpenBLAS", "CLibc"], swiftSettings: hotLoops),
        // Raw dataset readers, synthetic generator, prepared (memory-mapped) format, samples.
        .target(name: "VQLData", dependencies: ["VQLCore", "CLibc", .product(name: "Yams", package: "Yams")], swiftSettings: hotLoops),
        // Layers (forward/backward pairs), vector quantizer, the VQL model, optimizers.
        .target(name: "VQLModel", dependencies: ["VQLCore", "VQLData"], swiftSettings: hotLoops),
        // Typed Swift API over MPI: world, collectives, abort.
        .target(name: "VQLDistributed", dependencies: ["CMPI", "VQLCore"]),
        // Config, trainer loop, evaluation metrics, progress, metrics log.
        .target(name: "VQLTrain", dependencies: [
            "VQLCore", "VQLData", "VQLModel", "VQLDistributed", "CLibc",
            .product(name: "Yams", package: "Yams"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // User caches (N, U per head and code), L-free scoring, cache files.
        .target(name: "VQLServe", dependencies: ["VQLCore", "VQLData", "VQLModel", "VQLDistributed"], swiftSettings: hotLoops),
        .executableTarget(name: "vql", dependencies: [
            "VQLCore", "VQLData", "VQLModel", "VQLDistributed", "VQLTrain", "VQLServe",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "VQLCoreTests", dependencies: ["VQLCore"]),
        .testTarget(name: "VQLDataTests", dependencies: ["VQLData"]),
        .testTarget(name: "VQLModelTests", dependencies: ["VQLModel", "VQLData"]),
        .testTarget(name: "VQLTrainTests", dependencies: ["VQLTrain"]),
        .testTarget(name: "VQLDistributedTests", dependencies: ["VQLDistributed"]),
        .testTarget(name: "VQLServeTests", dependencies: ["VQLServe", "VQLModel", "VQLData"]),
    ]
)
