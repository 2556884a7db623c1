import CLibc

/// What the CPUs of this machine do to a job that spreads over them: a thread can be run on
/// one CPU at a time (`onCPU`) to compare their speeds, and `cacheLineRoundTrip` times what
/// every meeting and every row read from another rank's memory pays, a cache line's trip
/// between two CPUs. On a VM both drift with the host's placement of its vCPUs.
public enum CoreMeasurements {
    /// The CPUs the calling thread may run on (the machine's, or a cpuset's), in order.
    public static var allowedCPUs: [Int] {
        var cpus = [Int32](repeating: 0, count: 1024)
        let n = cpus.withUnsafeMutableBufferPointer { vql_allowed_cpus($0.baseAddress, Int32($0.count)) }
        return n > 0 ? cpus[0..<Int(n)].map(Int.init) : []
    }

    /// The CPU the calling thread runs on at this moment (nil if unknown).
    public static var currentCPU: Int? {
        let cpu = vql_current_cpu()
        return cpu >= 0 ? Int(cpu) : nil
    }

    /// `body` run with the calling thread pinned to `cpu`, its CPUs restored afterwards; nil
    /// if the thread may not run there.
    public static func onCPU<T>(_ cpu: Int, _ body: () throws -> T) rethrows -> T? {
        var saved = cpu_set_t()
        guard vql_pin_thread(Int32(cpu), &saved) == 0 else { return nil }
        defer { vql_unpin_thread(&saved) }
        return try body()
    }

    /// Mean nanoseconds for a cache line to go from CPU `a` to CPU `b` and back, over
    /// `iterations` trips (two threads spinning on one atomic); nil if `a` = `b` or either
    /// CPU is not allowed.
    public static func cacheLineRoundTrip(between a: Int, and b: Int, iterations: Int) -> Double? {
        let ns = vql_cache_line_round_trip_ns(Int32(a), Int32(b), iterations)
        return ns >= 0 ? ns : nil
    }
}
