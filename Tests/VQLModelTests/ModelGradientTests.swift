import Testing
import VQLCore
@testable import VQLModel

/// DESIGN §6.1: every parameter's gradient against central differences, codes frozen.
struct ModelGradientTests {
    static let settings: [(EncoderKind, Bool, Bool)] = [
        (.vq, true, true), (.full, true, true), (.vq, false, false), (.full, false, true),
        (.recent, true, true), (.simHard, true, true), (.topk, true, true), (.topk, false, false), (.mean, true, true),
    ]

    /// Loss of the whole tower for the batch, as the trainer defines it (mean over the batch).
    func loss(_ net: VQLNetwork, _ batch: SampleBatch) -> Double {
        net.forward(batch)
        let l = net.losses(labels: batch.label)
        return (l.crossEntropy + l.commitment) / Double(batch.count)
    }

    func gradients(_ net: VQLNetwork, _ batch: SampleBatch) {
        net.freezeCodes = false
        net.zeroGradients()
        net.forward(batch)
        net.freezeCodeAssignments()
        net.backward(labels: batch.label, scale: 1 / Float(batch.count))
    }

    @Test(arguments: settings)
    func everyDenseTensor(encoder: EncoderKind, keyNorm: Bool, staticBias: Bool) {
        let net = Fixtures.network(Fixtures.shape(encoder, keyNorm: keyNorm, staticBias: staticBias))
        let batch = Fixtures.batch(lengths: [0, 1, 5, 12, 30], items: 40, seed: 3)
        gradients(net, batch)
        let check = DirectionalCheck()
        for slot in net.params.slots {
            let g = Array(UnsafeBufferPointer(start: net.params.grad(slot.name), count: slot.count))
            let err = check.worstRelativeError(values: net.params.value(slot.name), gradient: g, count: slot.count, seed: 5) {
                loss(net, batch)
            }
            #expect(err < 1e-2, "\(encoder) \(slot.name): relative error \(err)")
        }
    }

    @Test(arguments: settings)
    func everySparseTable(encoder: EncoderKind, keyNorm: Bool, staticBias: Bool) {
        let net = Fixtures.network(Fixtures.shape(encoder, keyNorm: keyNorm, staticBias: staticBias))
        let batch = Fixtures.batch(lengths: [0, 1, 5, 12, 30], items: 40, seed: 4)
        gradients(net, batch)
        let check = DirectionalCheck()
        for table in net.tables {
            var dense = [Float](repeating: 0, count: table.rows * table.width)
            for (k, row) in table.gradient.rowIds.enumerated() {
                for i in 0..<table.width { dense[Int(row) * table.width + i] = table.gradient.values.pointer[k * table.width + i] }
            }
            let err = check.worstRelativeError(values: table.values.pointer, gradient: dense, count: dense.count, seed: 6) {
                loss(net, batch)
            }
            #expect(err < 1e-2, "\(encoder) \(table.name): relative error \(err)")
        }
    }

    /// The check must be able to fail: a backward that drops 10% of one gradient is caught.
    @Test func aWrongBackwardIsCaught() {
        let net = Fixtures.network(Fixtures.shape(.vq))
        let batch = Fixtures.batch(lengths: [3, 8, 20], items: 40, seed: 7)
        gradients(net, batch)
        let check = DirectionalCheck()
        for name in ["key.weight", "decay.rho", "value.weight"] {
            let slot = net.params.slot(name)
            let wrong = Array(UnsafeBufferPointer(start: net.params.grad(name), count: slot.count)).map { $0 * 0.9 }
            let err = check.worstRelativeError(values: net.params.value(name), gradient: wrong, count: slot.count, seed: 8) {
                loss(net, batch)
            }
            #expect(err > 2e-2, "a 10% error in \(name) went unnoticed (\(err))")
        }
    }
}
