import VQLCore

/// x_i = [E_item[i], mean_{t ∈ tags(i)} E_tag[t]] and the static per-head bias
/// b_h(i) = mean_{t ∈ tags(i)} B_tag[t, h] (zero for an item without tags).
public enum ItemEncoder {
    /// x[U, 2·d_e] and bias[U, H] (when `tagBias` is given) for the items of `slotItems`.
    public static func forward(slotItems: UnsafePointer<Int32>, count n: Int, tags: ItemTags,
                               itemTable: EmbeddingTable, tagTable: EmbeddingTable, tagBias: EmbeddingTable?,
                               x: UnsafeMutablePointer<Float>, bias: UnsafeMutablePointer<Float>?) {
        let de = itemTable.width, dx = 2 * de
        // the tables bound once: an optional bound in the loop was retained per tag
        let items = itemTable.values.pointer, tagRows = tagTable.values.pointer
        let biasRows = bias == nil ? nil : tagBias?.values.pointer, H = tagBias?.width ?? 0
        for u in 0..<n {
            let item = Int(slotItems[u])
            let xu = x + u * dx
            xu.update(from: items + item * de, count: de)
            let tx = xu + de
            tx.update(repeating: 0, count: de)
            let lo = Int(tags.offsets[item]), hi = Int(tags.offsets[item + 1])
            if biasRows != nil, let bias { (bias + u * H).update(repeating: 0, count: H) }
            if hi == lo { continue }
            let inv = 1 / Float(hi - lo)
            for k in lo..<hi {
                let t = Int(tags.tags[k])
                BLAS.axpy(de, inv, tagRows + t * de, tx)
                if let biasRows, let bias { BLAS.axpy(H, inv, biasRows + t * H, bias + u * H) }
            }
        }
    }

    /// Scatters dx[U, 2·d_e] and dbias[U, H] into the tables' sparse gradients.
    public static func backward(slotItems: UnsafePointer<Int32>, count n: Int, tags: ItemTags,
                                itemTable: EmbeddingTable, tagTable: EmbeddingTable, tagBias: EmbeddingTable?,
                                dx: UnsafePointer<Float>, dbias: UnsafePointer<Float>?) {
        let de = itemTable.width, dxw = 2 * de
        // the tables' gradients bound once: an optional bound in the loop was retained per tag
        let items = itemTable.gradient, tagRows = tagTable.gradient
        let biasRows = dbias == nil ? nil : tagBias?.gradient, H = tagBias?.width ?? 0
        for u in 0..<n {
            let item = slotItems[u]
            let du = dx + u * dxw
            BLAS.axpy(de, 1, du, items.row(item))
            let lo = Int(tags.offsets[Int(item)]), hi = Int(tags.offsets[Int(item) + 1])
            if hi == lo { continue }
            let inv = 1 / Float(hi - lo)
            for k in lo..<hi {
                let t = tags.tags[k]
                BLAS.axpy(de, inv, du + de, tagRows.row(t))
                if let biasRows, let dbias { BLAS.axpy(H, inv, dbias + u * H, biasRows.row(t)) }
            }
        }
    }
}
