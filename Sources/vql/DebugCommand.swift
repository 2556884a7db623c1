import ArgumentParser
import Foundation
import VQLDistributed

/// Hidden diagnostics for the distributed layer, used by `Tests/mpi/*.sh` and by anyone
/// checking a new cluster: `vql debug collectives` and `vql debug fail-on-rank R`.
struct Debug: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "debug",
        abstract: "Diagnostics for the MPI layer (hidden).",
        shouldDisplay: false,
        subcommands: [Collectives.self, FailOnRank.self, CompareModels.self, CheckpointBench.self, ParseBench.self])
}

extension Debug {
    /// Exercises every collective with rank-dependent data and checks the result on
    /// every rank. Prints "ok rank R/N" and exits 0, or aborts the job naming the
    /// collective that returned a wrong result.
    struct Collectives: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "collectives",
            abstract: "Check every collective on every rank; print 'ok rank R/N'.")

        @Option(help: "Largest element count per MPI call, to exercise the chunked paths (default Int32.max).")
        var maxChunk: Int?

        @Flag(help: "Also time an in-place allreduce of --bench-floats floats and print GB/s on rank 0.")
        var bench = false

        @Option(help: "Buffer size of the allreduce benchmark, in floats.")
        var benchFloats = 1_000_000

        @Option(help: "Timed iterations of the allreduce benchmark.")
        var benchIterations = 50

        func run() throws {
            let world = try World.initialize()
            if let maxChunk {
                guard maxChunk >= 1 && maxChunk <= Int(Int32.max) else {
                    world.abort("--max-chunk must be in 1...\(Int32.max), got \(maxChunk)")
                }
                world.maxElementsPerCall = maxChunk
            }
            CollectiveChecks(world: world).runAll()
            if bench {
                AllreduceBenchmark(world: world, floats: benchFloats, iterations: benchIterations).run()
            }
            world.barrier()
            print("ok rank \(world.rank)/\(world.size)")
            world.finalize()
        }
    }

    /// Rank R aborts with "injected failure" while the other ranks wait in a collective:
    /// the whole job must end within seconds, never hang.
    struct FailOnRank: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "fail-on-rank",
            abstract: "Rank R aborts while the others wait in a collective.")

        @Argument(help: "The rank that fails.")
        var rank: Int

        func run() throws {
            let world = try World.initialize()
            guard rank >= 0 && rank < world.size else {
                world.abort("fail-on-rank: rank \(rank) outside 0..<\(world.size)")
            }
            if world.rank == rank {
                world.abort("injected failure")
            }
            // Everyone else blocks here; MPI_Abort on the failing rank must end them.
            var x: Float = 1
            world.allreduceSum(&x, count: 1)
            world.barrier()
            world.abort("fail-on-rank: rank \(rank) did not end the job (collective returned)")
        }
    }
}

/// The checks behind `vql debug collectives`. Data depends on the rank so a collective
/// that mixes up ranks, drops one or double-counts one gives a wrong answer.
struct CollectiveChecks {
    let world: World
    var r: Int { world.rank }
    var n: Int { world.size }

    func expect(_ ok: Bool, _ collective: String, _ detail: @autoclosure () -> String = "") {
        if !ok { world.abort("debug collectives: \(collective) returned a wrong result \(detail())") }
    }

    func runAll() {
        reductions()
        agreement()
        gathers()
        broadcasts()
        world.barrier()
        expect(world.bytesSent > 0, "bytesSent", "(\(world.bytesSent))")
    }

    func reductions() {
        let count = 1000
        let rankSum = n * (n + 1) / 2
        var f = (0..<count).map { Float(r + 1) * Float($0 % 7) }
        f.withUnsafeMutableBufferPointer { world.allreduceSum($0.baseAddress!, count: count) }
        expect(f.indices.allSatisfy { f[$0] == Float(rankSum * ($0 % 7)) }, "allreduceSum(Float)")
        var d = (0..<count).map { Double(r + 1) * 0.5 * Double($0) }
        d.withUnsafeMutableBufferPointer { world.allreduceSum($0.baseAddress!, count: count) }
        expect(d.indices.allSatisfy { d[$0] == Double(rankSum) * 0.5 * Double($0) }, "allreduceSum(Double)")
        var i: [Int64] = [Int64(r), 1, Int64(r) << 40]
        world.allreduceSum(&i)
        let ranks = Int64(n * (n - 1) / 2)
        expect(i == [ranks, Int64(n), ranks << 40], "allreduceSum(Int64)", "\(i)")
        // Reduce-scatter with unequal blocks (rank q gets q + 3 elements, rank 1 none).
        let blocks = (0..<n).map { $0 == 1 ? 0 : $0 + 3 }, offset = blocks[..<r].reduce(0, +)
        var send = (0..<blocks.reduce(0, +)).map { Float(r + 1) * Float($0 % 5) }
        var mine = [Float](repeating: -1, count: blocks[r])
        send.withUnsafeMutableBufferPointer { s in
            mine.withUnsafeMutableBufferPointer { world.reduceScatterSum(s.baseAddress!, counts: blocks, into: $0.baseAddress!) }
        }
        expect(mine.indices.allSatisfy { mine[$0] == Float(rankSum * ((offset + $0) % 5)) }, "reduceScatterSum", "\(mine)")
        expect(world.allreduceMax(Double(r) - 0.5) == Double(n - 1) - 0.5, "allreduceMax")
        expect(world.allreduceMin(Double(r) + 0.25) == 0.25, "allreduceMin")
    }

    func agreement() {
        expect(world.allAgree(true), "allAgree(all true)")
        expect(!world.allAgree(r != n - 1), "allAgree(last rank false)")
        expect(!world.allAgree(false), "allAgree(all false)")
    }

    /// Rank q contributes `counts(q)` elements `q*1000 + i`; rank 1 contributes none.
    func contribution(of q: Int) -> [Int32] {
        let c = q == 1 ? 0 : 3 + 2 * q
        return (0..<c).map { Int32(q * 1000 + $0) }
    }

    func gathers() {
        let mineI = contribution(of: r)
        let mineF = mineI.map { Float($0) + 0.5 }
        let allI = (0..<n).flatMap { contribution(of: $0) }
        let allF = allI.map { Float($0) + 0.5 }
        let counts = (0..<n).map { contribution(of: $0).count }

        let (gi, ci) = mineI.withUnsafeBufferPointer { world.allgatherv($0) }
        expect(gi == allI && ci == counts, "allgatherv(Int32)", "counts \(ci)")
        let (gf, cf) = mineF.withUnsafeBufferPointer { world.allgatherv($0) }
        expect(gf == allF && cf == counts, "allgatherv(Float)", "counts \(cf)")
        let known = mineF.withUnsafeBufferPointer { world.allgatherv($0, knownCounts: counts) }
        expect(known == allF, "allgatherv(Float, knownCounts:)", "\(known.count) values")

        for root in Set([0, n - 1]).sorted() {
            let vf = world.gatherv(mineF, root: root)
            expect(vf == (r == root ? allF : []), "gatherv(Float, root: \(root))", "\(vf.count) values")
            let vi = world.gatherv(mineI, root: root)
            expect(vi == (r == root ? allI : []), "gatherv(Int32, root: \(root))", "\(vi.count) values")
        }
    }

    func broadcasts() {
        let root = n - 1
        let expected = (0..<257).map { Float($0) * 0.25 - 3 }
        var f = r == root ? expected : [Float](repeating: -1, count: expected.count)
        f.withUnsafeMutableBufferPointer { world.broadcast($0.baseAddress!, count: $0.count, root: root) }
        expect(f == expected, "broadcast(Float, root: \(root))")
        let message = Array("hello from rank 0 of \(n)".utf8)
        var bytes = r == 0 ? message : [UInt8](repeating: 7, count: 3 + r * 50)
        world.broadcast(bytes: &bytes, root: 0)
        expect(bytes == message, "broadcast(bytes:, root: 0)", "(\(bytes.count) bytes)")
    }
}

/// Times an in-place float allreduce; prints bytes of the buffer per second (the
/// "algorithm bandwidth": buffer size / time per call) on rank 0.
struct AllreduceBenchmark {
    let world: World
    let floats: Int
    let iterations: Int

    func run() {
        let buffer = UnsafeMutablePointer<Float>.allocate(capacity: max(1, floats))
        defer { buffer.deallocate() }
        buffer.initialize(repeating: 1e-6, count: max(1, floats))
        for _ in 0..<3 { world.allreduceSum(buffer, count: floats) }  // warm-up
        world.barrier()
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<max(1, iterations) { world.allreduceSum(buffer, count: floats) }
        let local = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let seconds = world.allreduceMax(local)
        if world.isRoot && world.size == 1 {
            print("allreduce benchmark: single rank, nothing is communicated")
        } else if world.isRoot {
            let perCall = seconds / Double(max(1, iterations))
            let gbps = Double(floats * MemoryLayout<Float>.stride) / perCall / 1e9
            print(String(format: "allreduce %d floats on %d ranks: %.3f ms/call, %.2f GB/s",
                         floats, world.size, perCall * 1e3, gbps))
        }
    }
}
