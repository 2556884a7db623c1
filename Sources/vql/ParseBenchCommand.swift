import ArgumentParser
import Foundation
import VQLData

extension Debug {
    /// Single-threaded parse speed of one all-integer CSV file (the KuaiRand log fast path),
    /// best of `--repeat` runs, with the file in the page cache: the number to watch when
    /// tuning `CSVReader.nextIntegers`, free of the thread scheduling that `bench prepare` has.
    struct ParseBench: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "parse-bench", abstract: "Single-thread MB/s of CSVReader.nextIntegers on one file.")

        @Option(help: "An all-integer CSV file with a header line (e.g. a KuaiRand log).") var file: String
        @Option(help: "Runs; the best is reported.") var `repeat` = 3
        @Option(help: "Bit mask of the columns parsed (default: KuaiRand's user, item, time, label, is_rand).")
        var wanted: UInt64 = 1 << 0 | 1 << 1 | 1 << 4 | 1 << 5 | 1 << 17
        @Flag(help: "Time the whole KuaiRand row loop of a prepare (ids, columns, checks) instead of the scanner alone.")
        var full = false

        func run() throws {
            guard `repeat` >= 1 else { throw ValidationError("--repeat must be at least 1") }
            var best = Double.infinity, rows = 0, general = 0, bytes = 0
            let values = UnsafeMutablePointer<Int64>.allocate(capacity: 64)
            let mask = wanted  // a property wrapper read per row would cost more than the parse
            defer { values.deallocate() }
            if full {
                for _ in 0..<`repeat` {
                    let start = DispatchTime.now().uptimeNanoseconds
                    rows = try KuaiRandReader.parseLogForBenchmark(path: file)
                    best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
                }
                print(String(format: "%d rows in %.3f s: %.1f ns/row (full row loop)", rows, best, best * 1e9 / Double(max(rows, 1))))
                return
            }
            for _ in 0..<`repeat` {
                let r = try CSVReader(path: file)
                _ = try r.next()  // header
                let start = DispatchTime.now().uptimeNanoseconds
                var checksum: Int64 = 0
                rows = 0; general = 0
                while let n = try r.nextIntegers(values, capacity: 63, wanted: mask) {
                    rows += 1
                    if n < 0 { general += 1 } else { checksum &+= values[0] &+ values[4] }
                }
                best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
                bytes = r.bytesRead
                if checksum == 42 { print("") }  // keeps the values live
            }
            print(String(format: "%d rows, %.0f MB in %.3f s: %.0f MB/s, %.1f ns/row, %d rows on the general path",
                         rows, Double(bytes) / 1e6, best, Double(bytes) / 1e6 / best, best * 1e9 / Double(max(rows, 1)), general))
        }
    }
}
