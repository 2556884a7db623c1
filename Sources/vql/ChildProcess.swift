import Foundation

/// The child processes of the bench commands (`vql prepare`, pandas, `mpirun`).
enum ChildProcess {
    /// Runs `program` (a path, or a name found on PATH) with `args` and waits. Its stdout is
    /// returned when `captureOutput`, else discarded; its stderr goes to ours unless
    /// `discardErrors`.
    static func run(_ program: String, _ args: [String], captureOutput: Bool = true,
                    discardErrors: Bool = false) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [program] + args
        let pipe = Pipe()
        p.standardOutput = captureOutput ? pipe : FileHandle.nullDevice
        if discardErrors { p.standardError = FileHandle.nullDevice }
        try p.run()
        let data = captureOutput ? pipe.fileHandleForReading.readDataToEndOfFile() : Data()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

/// The middle value of `values` (the mean of the middle two for an even count), as the
/// benches that alternate rounds report it; `values` must not be empty.
func median(_ values: [Double]) -> Double {
    let s = values.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}
