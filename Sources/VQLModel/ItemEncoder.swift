import VQLCore

/// x_i = [E_item[i], mean_{t ∈ tags(i)} E_tag[t]] and the static per-head bias
/// b_h(i) = mean_{t ∈ tags(i)} B_tag[t, h] (zero for an item without tags).
public enum ItemEncoder {
    /// x[U, 2·d_e] and bias[U, H] (when `tagBias` is given) for the items of `slotItems`.
    public static func forward(slotItems: UnsafePointer<Int32>, count n: Int, tags: ItemTags,
                               itemTable: EmbeddingTable, tagTable: EmbeddingTable, tagBias: EmbeddingTable?,
                               x: UnsafeMutablePointer<Float>, bias: UnsafeMutablePointer<Float>?) {
        let de = itemTable.width, dx = 2 * de
        for u in 0..<n {
            let item = Int(slotItems[u])
            let xu = x + u * dx
            xu.update(from: itemTable.values.pointer + item * de, count: de)
            let tx = xu + de
            tx.update(repeating: 0, count: de)
            let lo = Int(tags.offsets[item]), hi = Int(tags.offsets[item + 1])
            if let tagBias, let bias {
                (bias + u * tagBias.width).update(repeating: 0, count: tagBias.width)
            }
            if hi == lo { continue }
            let inv = 1 / Float(hi - lo)
            for k in lo..<hi {
                let t = Int(tags.tags[k])
                BLAS.axpy(de, inv, tagTable.values.pointer + t * de, tx)
                if let tagBias, let bias {
                    BLAS.axpy(tagBias.width, inv, tagBias.values.pointer + t * tagBias.width, bias + u * tagBias.width)
                }
            }
        }
    }

    /// Scatters dx[U, 2·d_e] and dbias[U, H] into the tables' sparse gradients.
    public static func backward(slotItems: UnsafePointer<Int32>, count n: Int, tags: ItemTags,
                                itemTable: EmbeddingTable, tagTable: EmbeddingTable, tagBias: EmbeddingTable?,
                                dx: UnsafePointer<Float>, dbias: UnsafePointer<Float>?) {
        let de = itemTable.width, dxw = 2 * de
        for u in 0..<n {
            let item = slotItems[u]
            let du = dx + u * dxw
            BLAS.axpy(de, 1, du, itemTable.gradient.row(item))
            let lo = Int(tags.offsets[Int(item)]), hi = Int(tags.offsets[Int(item) + 1])
            if hi == lo { continue }
            let inv = 1 / Float(hi - lo)
            for k in lo..<hi {
                let t = tags.tags[k]
                BLAS.axpy(de, inv, du + de, tagTable.gradient.row(t))
                if let tagBias, let dbias {
                    BLAS.axpy(tagBias.width, inv, dbias + u * tagBias.width, tagBias.gradient.row(t))
                }
            }
        }
    }
}
