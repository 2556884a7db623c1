import Foundation

/// The child processes of the bench commands (`vql prepare`, pandas, `mpirun`).
enum ChildProcess {
    /// Runs `program` (a path, or a name found on PATH) with `args` and waits. Its stdout is
    /// returned when `captureOutput`, else discarded; its stderr goes to ours unless
    /// `discardErrors`.
    static func run(_ program: String, _ args: [String], captureOutput: Bool = true,
                    discardErrors: Bool = false) throws -> (status: Int32, output: String) {
        try start(program, args, captureOutput: captureOutput, discardErrors: discardErrors).finish()
    }

    /// Starts `program` as `run` does and returns at once; `finish` waits for it.
    static func start(_ program: String, _ args: [String], captureOutput: Bool = true,
                      discardErrors: Bool = false) throws -> Running {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [program] + args
        let pipe = Pipe()
        p.standardOutput = captureOutput ? pipe : FileHandle.nullDevice
        if discardErrors { p.standardError = FileHandle.nullDevice }
        try p.run()
        return Running(process: p, output: captureOutput ? pipe : nil)
    }

    struct Running {
        let process: Process
        let output: Pipe?

        /// Waits for the process; its exit status and captured stdout.
        func finish() -> (status: Int32, output: String) {
            let data = output?.fileHandleForReading.readDataToEndOfFile() ?? Data()
            process.waitUntilExit()
            return (process.terminationStatus, String(decoding: data, as: UTF8.self))
        }
    }
}

/// The middle value of `values` (the mean of the middle two for an even count), as the
/// benches that alternate rounds report it; `values` must not be empty.
func median(_ values: [Double]) -> Double {
    let s = values.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

/// "median (min–max)" of `values`, each printed with `format`, the median followed by
/// `unit` (e.g. "×"); "n/a" if empty.
func spread(_ values: [Double], _ format: String, unit: String = "") -> String {
    values.isEmpty ? "n/a" : String(format: "\(format)\(unit) (\(format)–\(format))", median(values), values.min()!, values.max()!)
}
