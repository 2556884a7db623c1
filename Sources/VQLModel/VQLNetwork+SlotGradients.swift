import VQLCore

/// Where a rank's slot gradients lie in its `PeerMemory` segment: dk[cap, H·d_h],
/// dv[cap, H·d_v], db[cap, H], occurrences[cap], commitment weights[cap], each block
/// `capacity` slots long (the most slots any rank has this step), so every rank finds every
/// other rank's blocks at the same offsets.
struct SlotGradientLayout {
    let keys = 0, values: Int, bias: Int, occurrences: Int, commitWeights: Int, floats: Int

    init(shape s: ModelShape, capacity c: Int) {
        values = c * s.keyWidth
        bias = values + c * s.valueWidth
        occurrences = bias + c * s.heads
        commitWeights = occurrences + c
        floats = commitWeights + c
    }
}

extension VQLNetwork {
    /// Where attention's backward adds the slots' dk[U, H·d_h], dv[U, H·d_v] and db[U, H]
    /// (nil without static biases), in the workspace even when the ranks share memory:
    /// attention's scattered adds into the shared segment, whose lines the other rank read
    /// the step before, cost more than adding here and copying the blocks there in three
    /// streams (`shardedItemBackward`): np=2 demo steps +2.5% faster (median of 16
    /// alternated pairs, faster in 12). Not zeroed: attention zeroes a row when it first
    /// reaches it (`zeroOnFirstTouch`, with `w.slotTouched` cleared here) and
    /// `zeroUntouched` the rest.
    func slotGradients(slots U: Int) -> (dk: UnsafeMutablePointer<Float>, dv: UnsafeMutablePointer<Float>, db: UnsafeMutablePointer<Float>?) {
        let w = work, sh = shape, kw = sh.keyWidth, vw = sh.valueWidth, H = sh.heads
        w.slotTouched.removeAll(keepingCapacity: true)
        w.slotTouched.append(contentsOf: repeatElement(0, count: U))
        return (w.dKeys.reserve(U * kw), w.dValues.reserve(U * vw), sh.staticBias ? w.dBias.reserve(U * H) : nil)
    }

    /// Zeroes the slot gradient rows attention's backward did not reach (see `slotGradients`).
    func zeroUntouched(dk: UnsafeMutablePointer<Float>, dv: UnsafeMutablePointer<Float>, db: UnsafeMutablePointer<Float>?) {
        let kw = shape.keyWidth, vw = shape.valueWidth, H = shape.heads
        for (u, touched) in work.slotTouched.enumerated() where touched == 0 {
            (dk + u * kw).update(repeating: 0, count: kw)
            (dv + u * vw).update(repeating: 0, count: vw)
            if let db { (db + u * H).update(repeating: 0, count: H) }
        }
    }

    /// Shared memory: sums every rank's slot gradients of this rank's chunk items straight
    /// from the ranks' segments into the chunk-ordered `blocks` (segment offset, floats per
    /// item, destination). Each sum starts at zero and adds the ranks' rows in rank order
    /// (the order `reduceSlotGradients` sums in) eight lanes at a time in registers, so each
    /// destination row is written once, and no pass clears or re-reads it; the rows' places
    /// are found once per item and block, not per lane group.
    func sumSlotGradients(_ memory: PeerMemory, into blocks: [(offset: Int, width: Int, out: UnsafeMutablePointer<Float>)]) {
        let S = shard, p = S.gatheredStarts.count - 1, m = S.chunk.count, lo = S.chunk.lowerBound
        let rank = S.exchange?.rank ?? 0
        // slotIn[r·m + i]: the slot of chunk item i in rank r's segment, −1 where r has none
        var remoteRows = 0
        S.slotIn.removeAll(keepingCapacity: true)
        S.slotIn.append(contentsOf: repeatElement(-1, count: p * m))
        S.slotIn.withUnsafeMutableBufferPointer { slotIn in
            S.gathered.withUnsafeBufferPointer { gathered in
                S.unionIndex.withUnsafeBufferPointer { unionIndex in
                    for r in 0..<p {
                        let start = S.gatheredStarts[r]
                        for k in start..<S.gatheredStarts[r + 1] {
                            let i = Int(unionIndex[Int(gathered[k])]) - lo
                            guard i >= 0 && i < m else { continue }
                            slotIn[r * m + i] = Int32(k - start)
                            if r != rank { remoteRows += 1 }
                        }
                    }
                }
            }
        }
        let segments = UnsafeMutablePointer<UnsafePointer<Float>>.allocate(capacity: p)
        let rows = UnsafeMutablePointer<UnsafePointer<Float>>.allocate(capacity: p)
        defer { segments.deallocate(); rows.deallocate() }
        for r in 0..<p { segments[r] = memory.segment(of: r) }
        S.slotIn.withUnsafeBufferPointer { slotIn in
            for (offset, width, out) in blocks {
                for i in 0..<m {
                    var n = 0
                    for r in 0..<p {
                        let slot = Int(slotIn[r &* m &+ i])
                        guard slot >= 0 else { continue }
                        let place: Int = offset &+ slot &* width
                        rows[n] = segments[r] + place
                        n &+= 1
                    }
                    Self.sum(rows, count: n, width: width, into: out + i &* width)
                }
            }
        }
        S.peerFloatsRead += remoteRows * blocks.reduce(0) { $0 + $1.width }
    }

    /// out[0..<width] = 0 + rows[0] + rows[1] + …, lane by lane in that order (the one, two
    /// rank cases unrolled: they are every item on one or two ranks).
    @inline(__always)
    static func sum(_ rows: UnsafePointer<UnsafePointer<Float>>, count n: Int, width: Int, into out: UnsafeMutablePointer<Float>) {
        switch n {
        case 1:
            let a = rows[0]
            Lanes.apply(width, out, { SIMD8<Float>() + Lanes.load(a, $0) }, tail: { Float(0) + a[$0] })
        case 2:
            let a = rows[0], b = rows[1]
            Lanes.apply(width, out, { (SIMD8<Float>() + Lanes.load(a, $0)) + Lanes.load(b, $0) }, tail: { (Float(0) + a[$0]) + b[$0] })
        default:
            Lanes.apply(width, out, { j in
                var acc = SIMD8<Float>()
                for t in 0..<n { acc += Lanes.load(rows[t], j) }
                return acc
            }, tail: { j in
                var acc: Float = 0
                for t in 0..<n { acc += rows[t][j] }
                return acc
            })
        }
    }

    /// Messages: packs the slot gradients in union order (zeros for items without a local
    /// slot), reduce-scatters them and unpacks this rank's chunk of the sums into `out`.
    func reduceSlotGradients(_ ex: ItemWorkExchange, dk: UnsafePointer<Float>, dv: UnsafePointer<Float>, db: UnsafePointer<Float>?,
                             into out: (keys: UnsafeMutablePointer<Float>, values: UnsafeMutablePointer<Float>, bias: UnsafeMutablePointer<Float>,
                                        occurrences: UnsafeMutablePointer<Float>, commitWeights: UnsafeMutablePointer<Float>)) {
        let w = work, sh = shape, S = shard
        let kw = sh.keyWidth, vw = sh.valueWidth, H = sh.heads
        let gw = ItemShard.gradientWidth(sh), total = S.union.count * gw
        // Written in union order, zeros for the items this rank has no slot of: one pass
        // over the buffer instead of clearing it and scattering the slots into it.
        let buffer = w.dX.reserve(max(total, 1))
        for (i, item) in S.union.enumerated() {
            let row = buffer + i * gw, u = Int(w.slotOfItem[Int(item)])
            guard u >= 0 else { row.update(repeating: 0, count: gw); continue }
            row.update(from: dk + u * kw, count: kw)
            (row + kw).update(from: dv + u * vw, count: vw)
            if let db { (row + kw + vw).update(from: db + u * H, count: H) } else { (row + kw + vw).update(repeating: 0, count: H) }
            row[kw + vw + H] = w.occurrences[u]
            row[kw + vw + H + 1] = w.commitWeight[u]
        }
        let m = S.chunk.count
        let mine = S.reduced.reserve(m * gw)
        ex.reduceScatterSum(buffer, counts: S.chunks.map { $0.count * gw }, into: mine)
        for i in 0..<m {
            let row = mine + i * gw
            (out.keys + i * kw).update(from: row, count: kw)
            (out.values + i * vw).update(from: row + kw, count: vw)
            (out.bias + i * H).update(from: row + kw + vw, count: H)
            out.occurrences[i] = row[kw + vw + H]
            out.commitWeights[i] = row[kw + vw + H + 1]
        }
    }
}
