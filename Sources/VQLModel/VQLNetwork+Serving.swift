import Foundation
import VQLCore

/// Per-item quantities that depend on the item alone (DESIGN §7), for every item of a list:
/// what serving precomputes once, and what a user cache is built from.
public struct ItemVectors: Sendable {
    public var count: Int
    /// x[n, 2·d_e]
    public var inputs: [Float]
    /// k[n, H·d_h] (normalised when the model normalises keys)
    public var keys: [Float]
    /// v[n, H·d_v]
    public var values: [Float]
    /// b[n, H] (zeros without a static bias)
    public var bias: [Float]
    /// z[n, G] (empty for the `full` encoder)
    public var codes: [Int32]

    public init(count: Int, inputs: [Float], keys: [Float], values: [Float], bias: [Float], codes: [Int32]) {
        self.count = count
        self.inputs = inputs
        self.keys = keys
        self.values = values
        self.bias = bias
        self.codes = codes
    }
}

extension VQLNetwork {
    /// Inputs, keys, values, static biases and codes of `items`, with the current parameters
    /// and codebooks; the same arithmetic as the training forward.
    public func itemVectors(_ items: [Int32]) -> ItemVectors {
        let n = items.count, sh = shape, dx = sh.inputDim, kw = sh.keyWidth, vw = sh.valueWidth
        var out = ItemVectors(count: n, inputs: .init(repeating: 0, count: n * dx), keys: .init(repeating: 0, count: n * kw),
                              values: .init(repeating: 0, count: n * vw), bias: .init(repeating: 0, count: n * sh.heads), codes: [])
        items.withUnsafeBufferPointer { it in
            out.inputs.withUnsafeMutableBufferPointer { x in
                out.bias.withUnsafeMutableBufferPointer { b in
                    ItemEncoder.forward(slotItems: it.base, count: n, tags: itemTags, itemTable: itemTable, tagTable: tagTable,
                                        tagBias: tagBias, x: x.base, bias: sh.staticBias ? b.base : nil)
                }
            }
        }
        out.keys = keys(ofItems: items)
        Linear.forward(x: out.inputs, w: params.value("value.weight"), b: params.value("value.bias"), y: &out.values,
                       rows: n, inputs: dx, outputs: vw)
        if let cb = codebooks {
            out.codes = [Int32](repeating: 0, count: n * sh.groups)
            cb.assign(keys: out.keys, rows: n, codes: &out.codes, scratch: ScratchBuffer())
        }
        return out
    }

    /// q[n, H·d_h] = W_q x + b_q for target inputs x[n, 2·d_e].
    public func queries(inputs x: [Float], count n: Int) -> [Float] {
        var q = [Float](repeating: 0, count: n * shape.keyWidth)
        Linear.forward(x: x, w: params.value("query.weight"), b: params.value("query.bias"), y: &q,
                       rows: n, inputs: shape.inputDim, outputs: shape.keyWidth)
        return q
    }

    /// logit = MLP([x_target, o, e_u]) for one sample: x[2·d_e], o[H·d_v], and the user's
    /// feature values [F] (nil: every feature missing, as for a user without a feature row);
    /// `scratch` holds at least mlpInputDim + 2·max(mlp) floats.
    public func headLogit(input x: UnsafePointer<Float>, attention o: UnsafePointer<Float>, userFeatures values: UnsafePointer<Int32>?,
                          scratch: UnsafeMutablePointer<Float>) -> Float {
        let dx = shape.inputDim, din = shape.mlpInputDim
        scratch.update(from: x, count: dx)
        (scratch + dx).update(from: o, count: shape.valueWidth)
        userFeatureEmbedding?.forward(values: values, count: 1, into: scratch + dx + shape.valueWidth, stride: din)
        var input = UnsafeMutablePointer(scratch), output = scratch + din
        let layers = mlpLayers
        for (i, layer) in layers.enumerated() {
            let w = params.value(layer.weight), b = params.value(layer.bias)
            for r in 0..<layer.outputs {
                var s = b[r]
                let row = w + r * layer.inputs
                for k in 0..<layer.inputs { s += row[k] * input[k] }
                output[r] = i == layers.count - 1 || s > 0 ? s : 0
            }
            swap(&input, &output)
            if i == 0 { output = scratch + din + (shape.mlp.max() ?? 1) }
        }
        return input[0]
    }
}
