import Testing
@testable import VQLDistributed

/// MPI can be initialised once per process: all tests share this world (size 1 unless
/// someone runs the test binary under mpirun).
let sharedWorld: World = {
    do { return try World.initialize() } catch { fatalError("World.initialize: \(error)") }
}()

/// What a world of size 1 can check: identities, chunked paths, byte accounting.
/// Serialized: the tests share one world and change its chunk limit.
@Suite(.serialized) struct SingletonWorldTests {
    let world = sharedWorld

    /// Runs `body` with a small chunk limit so the chunked/rounds paths execute.
    func withChunkLimit(_ limit: Int, _ body: () throws -> Void) rethrows {
        let saved = world.maxElementsPerCall
        world.maxElementsPerCall = limit
        defer { world.maxElementsPerCall = saved }
        try body()
    }

    @Test func singleton() throws {
        #expect(world.rank == 0)
        #expect(world.size == 1)
        #expect(world.isRoot)
        #expect(try World.initialize() === world)
    }

    @Test(arguments: [Int(Int32.max), 3, 1])
    func allreduceIsIdentity(limit: Int) {
        withChunkLimit(limit) {
            var f: [Float] = (0..<10).map { Float($0) * 0.5 - 1 }
            let expectF = f
            f.withUnsafeMutableBufferPointer { world.allreduceSum($0.baseAddress!, count: $0.count) }
            #expect(f == expectF)
            var d: [Double] = [1e300, -2, 3.25, 7]
            let expectD = d
            d.withUnsafeMutableBufferPointer { world.allreduceSum($0.baseAddress!, count: $0.count) }
            #expect(d == expectD)
            var i: [Int64] = [Int64.max, -1, 0, 42, 5]
            world.allreduceSum(&i)
            #expect(i == [Int64.max, -1, 0, 42, 5])
            var empty: [Int64] = []
            world.allreduceSum(&empty)
            #expect(empty.isEmpty)
        }
    }

    @Test func scalarsAndAgreement() {
        #expect(world.allreduceMax(-3.5) == -3.5)
        #expect(world.allreduceMin(.infinity) == .infinity)
        #expect(world.allAgree(true))
        #expect(!world.allAgree(false))
        world.barrier()
    }

    @Test(arguments: [Int(Int32.max), 4, 1])
    func gathersReturnLocal(limit: Int) {
        withChunkLimit(limit) {
            let f: [Float] = (0..<11).map { Float($0) }
            let ids: [Int32] = [9, 8, 7, -1, 0]
            let (fv, fc) = f.withUnsafeBufferPointer { world.allgatherv($0) }
            #expect(fv == f)
            #expect(fc == [11])
            let (iv, ic) = ids.withUnsafeBufferPointer { world.allgatherv($0) }
            #expect(iv == ids)
            #expect(ic == [5])
            #expect(world.gatherv(f, root: 0) == f)
            #expect(world.gatherv(ids, root: 0) == ids)
            let none: [Float] = []
            let (ev, ec) = none.withUnsafeBufferPointer { world.allgatherv($0) }
            #expect(ev.isEmpty && ec == [0])
        }
    }

    @Test(arguments: [Int(Int32.max), 2])
    func broadcastsKeepRootData(limit: Int) {
        withChunkLimit(limit) {
            var f: [Float] = [1, 2, 3, 4, 5]
            f.withUnsafeMutableBufferPointer { world.broadcast($0.baseAddress!, count: 5, root: 0) }
            #expect(f == [1, 2, 3, 4, 5])
            var bytes = Array("config: yes".utf8)
            world.broadcast(bytes: &bytes, root: 0)
            #expect(String(decoding: bytes, as: UTF8.self) == "config: yes")
            var empty: [UInt8] = []
            world.broadcast(bytes: &empty, root: 0)
            #expect(empty.isEmpty)
        }
    }

    @Test func bytesSentCountsContributions() {
        let before = world.bytesSent
        var f = [Float](repeating: 1, count: 100)
        f.withUnsafeMutableBufferPointer { world.allreduceSum($0.baseAddress!, count: 100) }
        #expect(world.bytesSent - before == 400)
        let mid = world.bytesSent
        _ = world.gatherv([Int32](repeating: 0, count: 10), root: 0)
        #expect(world.bytesSent - mid == 40 + 8)  // data plus the count exchange
        let end = world.bytesSent
        world.barrier()
        #expect(world.bytesSent == end)
    }

    @Test func sharedWindowSegmentsStartOnCacheLinesAndHoldWhatWasReserved() {
        let memory = SharedWindow(world: world)
        for count in [100, 5000, 1_000_000] {   // the first allocation, then two that grow it
            memory.reserve(count)
            #expect(memory.capacity >= count)
            #expect(Int(bitPattern: memory.own) % 64 == 0)
            #expect(memory.segment(of: 0) == UnsafePointer(memory.own))
            // the last reserved float is inside the segment: writing it does not fault
            memory.own[count - 1] = Float(count)
            memory.synchronize()
            #expect(memory.segment(of: 0)[count - 1] == Float(count))
        }
    }

    @Test func errorStringsAreReadable() {
        #expect(!World.errorString(1).isEmpty)
    }
}
