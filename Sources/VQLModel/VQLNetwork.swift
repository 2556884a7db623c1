import Foundation
import VQLCore

/// The VQL scoring tower (DESIGN §3): item encoder → q, k, v projections → (quantized) keys →
/// target attention with the temporal kernel and static bias → MLP → logit.
///
/// Dense parameters live in one `ParameterStore`; the item, tag, tag-bias and user feature
/// tables are sparse `EmbeddingTable`s; codebooks are EMA state, not parameters.
public final class VQLNetwork: @unchecked Sendable {
    public let shape: ModelShape
    public let itemTags: ItemTags
    public let params: ParameterStore
    public let itemTable: EmbeddingTable
    public let tagTable: EmbeddingTable
    public let tagBias: EmbeddingTable?
    /// Embeddings of the user features in the MLP input (nil: the shape has none).
    public let userFeatureEmbedding: UserFeatureEmbedding?
    public let codebooks: Codebooks?
    /// Set by `freezeCodeAssignments()`; cleared to quantize afresh.
    public var freezeCodes = false
    let work: Workspace
    let shard = ItemShard()

    /// Names of the MLP layers' weight and bias tensors, input to output; the last is the logit layer.
    public var mlpLayers: [(weight: String, bias: String, inputs: Int, outputs: Int)] {
        var out: [(String, String, Int, Int)] = []
        var width = shape.mlpInputDim
        for (i, h) in shape.mlp.enumerated() { out.append(("mlp\(i).weight", "mlp\(i).bias", width, h)); width = h }
        out.append(("out.weight", "out.bias", width, 1))
        return out
    }

    public init(shape: ModelShape, itemTags: ItemTags, seed: UInt64) {
        precondition(shape.problems().isEmpty, "invalid model shape: \(shape.problems())")
        precondition(itemTags.itemCount == shape.itemCount, "item tags cover \(itemTags.itemCount) items, shape says \(shape.itemCount)")
        self.shape = shape
        self.itemTags = itemTags
        var tensors: [(String, [Int])] = [
            ("query.weight", [shape.keyWidth, shape.inputDim]), ("query.bias", [shape.keyWidth]),
            ("key.weight", [shape.keyWidth, shape.inputDim]), ("key.bias", [shape.keyWidth]),
            ("value.weight", [shape.valueWidth, shape.inputDim]), ("value.bias", [shape.valueWidth]),
            ("decay.rho", [shape.heads]),
        ]
        var width = shape.mlpInputDim
        for (i, h) in shape.mlp.enumerated() {
            tensors.append(("mlp\(i).weight", [h, width])); tensors.append(("mlp\(i).bias", [h])); width = h
        }
        tensors.append(("out.weight", [1, width])); tensors.append(("out.bias", [1]))
        params = ParameterStore(shapes: tensors)
        itemTable = EmbeddingTable(name: "item_embedding", rows: shape.itemCount, width: shape.itemDim)
        tagTable = EmbeddingTable(name: "tag_embedding", rows: max(shape.tagCount, 1), width: shape.itemDim)
        tagBias = shape.staticBias ? EmbeddingTable(name: "tag_bias", rows: max(shape.tagCount, 1), width: shape.heads) : nil
        userFeatureEmbedding = UserFeatureEmbedding(shape: shape)
        codebooks = shape.encoder == .vq ? Codebooks(groups: shape.groups, size: shape.codebookSize, width: shape.groupWidth) : nil
        work = Workspace(itemCount: shape.itemCount, hiddenLayers: shape.mlp.count)
        initialize(seed: seed)
    }

    /// Embeddings N(0, 0.1²); projections N(0, 1/in); MLP He-normal; decays λ_h log-spaced
    /// from 0.01 to 10 per time unit, so heads start at different time scales. The user feature
    /// table is drawn last, so a model without user features starts as it always did.
    private func initialize(seed: UInt64) {
        var rng = RandomSource.derive(seed: seed, stream: 0x1417)
        itemTable.initialize(std: 0.1, rng: &rng)
        tagTable.initialize(std: 0.1, rng: &rng)
        func normal(_ name: String, std: Float) {
            let p = params.value(name)
            for i in 0..<params.slot(name).count { p[i] = std * rng.normal() }
        }
        let inv = 1 / Float(shape.inputDim).squareRoot()
        normal("query.weight", std: inv)
        normal("key.weight", std: inv)
        normal("value.weight", std: inv)
        for (i, layer) in mlpLayers.enumerated() {
            let gain: Float = i == mlpLayers.count - 1 ? 1 : 2
            normal(layer.weight, std: (gain / Float(layer.inputs)).squareRoot())
        }
        let rho = params.value("decay.rho")
        for h in 0..<shape.heads {
            let t = shape.heads > 1 ? Double(h) / Double(shape.heads - 1) : 0.5
            let lambda = pow(10, -2 + 3 * t)
            rho[h] = Float(log(expm1(lambda)))
        }
        userFeatureEmbedding?.table.initialize(std: 0.1, rng: &rng)
    }

    /// λ_h = softplus(ρ_h).
    public func decays() -> [Float] {
        let rho = params.value("decay.rho")
        return (0..<shape.heads).map { Activation.softplus(rho[$0]) }
    }

    /// All sparse tables, in a fixed order.
    public var tables: [EmbeddingTable] {
        [itemTable, tagTable] + (tagBias.map { [$0] } ?? []) + (userFeatureEmbedding.map { [$0.table] } ?? [])
    }

    /// Zeroes every gradient, dense and sparse.
    public func zeroGradients() {
        params.grads.zero()
        for t in tables { t.gradient.clear() }
    }

    /// Normalised keys of `items` ([n, H·d_h]), computed with the current parameters:
    /// what the quantizer sees. Used to seed and re-seed codewords.
    public func keys(ofItems items: [Int32]) -> [Float] {
        let n = items.count, dx = shape.inputDim, kw = shape.keyWidth
        var x = [Float](repeating: 0, count: n * dx), raw = [Float](repeating: 0, count: n * kw)
        var out = [Float](repeating: 0, count: n * kw), rstd = [Float](repeating: 0, count: n * shape.groups)
        items.withUnsafeBufferPointer { it in
            ItemEncoder.forward(slotItems: it.baseAddress!, count: n, tags: itemTags, itemTable: itemTable,
                                tagTable: tagTable, tagBias: nil, x: &x, bias: nil)
        }
        Linear.forward(x: x, w: params.value("key.weight"), b: params.value("key.bias"), y: &raw, rows: n, inputs: dx, outputs: kw)
        if shape.keyNorm {
            GroupNorm.forward(x: raw, y: &out, rstd: &rstd, rows: n, groups: shape.groups, width: shape.groupWidth)
        } else {
            out = raw
        }
        return out
    }
}

extension VQLNetwork {
    /// Distinct items (targets and history) of the last forward: the rows of the per-item work.
    public var distinctItemsInLastBatch: Int { work.slots }
    /// Distinct items of the last item-sharded forward's global batch (the union over ranks).
    public var distinctItemsInLastGlobalBatch: Int { shard.union.count }
    /// Bytes this rank has read in place from other ranks' shared memory (item-sharded steps
    /// on one machine), in all: what a gather would have copied.
    public var peerBytesRead: Int { shard.peerFloatsRead * MemoryLayout<Float>.stride }
    /// History positions the attention saw in the last forward (after a baseline's selection).
    public var attendedPositionsInLastBatch: Int { work.positionSlot.count }
}
