import ArgumentParser
import Foundation
import VQLCore

extension Debug {
    /// Compares two model files tensor by tensor: `vql debug compare-models A B
    /// [--tolerance T]`. Exit 0 when every tensor matches (bitwise when T is 0, else its
    /// relative difference max_i |a_i − b_i| / max_i |a_i| ≤ T: the error measured against
    /// the tensor's own scale, as float reassociation moves every element by a few ulps of
    /// that scale), 1 otherwise; prints the worst tensor.
    struct CompareModels: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "compare-models",
            abstract: "Compare two model.safetensors files (bitwise, or within a relative tolerance).")

        @Argument(help: "First safetensors file.") var first: String
        @Argument(help: "Second safetensors file.") var second: String
        @Option(help: "Largest allowed relative difference (0 = bitwise).") var tolerance: Double = 0

        func run() throws {
            let a = try SafetensorsFile(path: first), b = try SafetensorsFile(path: second)
            guard Set(a.names) == Set(b.names) else {
                print("different tensors: \(Set(a.names).symmetricDifference(b.names).sorted())")
                throw ExitCode(1)
            }
            var worst = (name: "", value: 0.0)
            var bitwise = true
            for name in a.names.sorted() where try a.dtype(name) == .f32 {
                let x = try a.floats(name), y = try b.floats(name)
                guard x.count == y.count else { print("\(name): sizes differ"); throw ExitCode(1) }
                var diff = 0.0, scale = 0.0
                for i in 0..<x.count {
                    if x[i].bitPattern != y[i].bitPattern { bitwise = false }
                    diff = max(diff, Double(abs(x[i] - y[i])).isNaN ? .infinity : Double(abs(x[i] - y[i])))
                    scale = max(scale, Double(abs(x[i])))
                }
                let d = diff == 0 ? 0 : diff / max(scale, 1e-30)
                if d > worst.value { worst = (name, d) }
            }
            print(String(format: "bitwise %@, max relative difference %.3e (%@)", bitwise ? "yes" : "no", worst.value, worst.name))
            let ok = tolerance == 0 ? bitwise : worst.value <= tolerance
            if !ok { throw ExitCode(1) }
        }
    }
}
