import ArgumentParser
import Foundation
import VQLCore

extension Bench {
    /// `vql bench cores`: what ranks on this machine's CPUs can expect of them. Ranks in
    /// lock-step go at the slower CPU's pace, and every meeting and row read from another
    /// rank's memory pays cache lines' trips between CPUs; on a VM both drift as the host
    /// moves its vCPUs. Repeats alternate over the CPUs and pairs so a drift hits all alike.
    struct Cores: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cores", abstract: "Each CPU's sgemm speed and cache-line round trips between CPUs, repeated.")

        @Option(help: "Repeats of every measurement.") var repeats = 5
        @Option(help: "Round trips per measurement.") var trips = 200_000

        func validate() throws {
            guard repeats >= 1, trips >= 1 else { throw ValidationError("--repeats and --trips must be at least 1") }
        }

        func run() throws {
            let cpus = CoreMeasurements.allowedCPUs
            guard !cpus.isEmpty else { throw ValidationError("cannot read the CPUs this process may run on") }
            // every pair on a small machine, CPU 0's pairs on a large one
            let pairs = cpus.count <= 8
                ? cpus.indices.flatMap { i in cpus[(i + 1)...].map { (cpus[i], $0) } }
                : cpus.dropFirst().map { (cpus[0], $0) }
            var gflops = [[Double]](repeating: [], count: cpus.count)
            var roundTrips = [[Double]](repeating: [], count: pairs.count)
            for _ in 0..<repeats {
                for (k, cpu) in cpus.enumerated() {
                    if let g = CoreMeasurements.onCPU(cpu, { SgemmBenchmark.gflops(size: 512) }) { gflops[k].append(g) }
                }
                for (k, (a, b)) in pairs.enumerated() {
                    if let ns = CoreMeasurements.cacheLineRoundTrip(between: a, and: b, iterations: trips) { roundTrips[k].append(ns) }
                }
            }
            print("vql bench cores (\(cpus.count) CPUs, median of \(repeats) with min–max)")
            print("CPU   sgemm 512³ GFLOP/s, one thread pinned")
            for (k, cpu) in cpus.enumerated() { print(String(format: "%-5d ", cpu) + spread(gflops[k], "%.1f")) }
            if pairs.isEmpty { return }
            print("CPUs     cache line round trip, ns")
            for (k, (a, b)) in pairs.enumerated() { print("\(a) ↔ \(b)".padding(toLength: 9, withPad: " ", startingAt: 0) + spread(roundTrips[k], "%.0f")) }
        }
    }
}
