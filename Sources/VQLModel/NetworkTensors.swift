import VQLCore

extension VQLNetwork {
    /// Every tensor of the model's state under a stable name: dense parameters and their Adam
    /// moments, the sparse tables and their per-row moments, codebooks with their EMA state.
    /// This is what a checkpoint and a model file hold.
    public func stateTensors(includeOptimizer: Bool = true) -> [SafetensorsFile.Tensor] {
        var out: [SafetensorsFile.Tensor] = []
        func buffer(_ p: UnsafePointer<Float>, _ n: Int) -> [Float] { Array(UnsafeBufferPointer(start: p, count: n)) }
        for slot in params.slots {
            out.append(.float(slot.name, shape: slot.shape, buffer(params.values.pointer + slot.offset, slot.count)))
            if includeOptimizer {
                out.append(.float("adam_m." + slot.name, shape: slot.shape, buffer(params.adamM.pointer + slot.offset, slot.count)))
                out.append(.float("adam_v." + slot.name, shape: slot.shape, buffer(params.adamV.pointer + slot.offset, slot.count)))
            }
        }
        for t in tables {
            out.append(.float(t.name, shape: [t.rows, t.width], t.values.array))
            if includeOptimizer {
                out.append(.float("adam_m." + t.name, shape: [t.rows, t.width], t.adamM.array))
                out.append(.float("adam_v." + t.name, shape: [t.rows, t.width], t.adamV.array))
            }
        }
        if let cb = codebooks {
            out.append(.float("codebook.codewords", shape: [cb.groups, cb.size, cb.width], cb.codewords.array))
            out.append(.float("codebook.ema_counts", shape: [cb.groups, cb.size], cb.emaCounts.array))
            out.append(.float("codebook.ema_sums", shape: [cb.groups, cb.size, cb.width], cb.emaSums.array))
        }
        return out
    }

    /// Loads the state written by `stateTensors` from `file`; every expected tensor must be
    /// present with its exact shape (optimizer moments only when `includeOptimizer`).
    public func loadState(from file: SafetensorsFile, includeOptimizer: Bool = true) throws {
        func load(_ name: String, _ shape: [Int], into p: UnsafeMutablePointer<Float>) throws {
            let found = try file.shape(name)
            guard found == shape else {
                throw SafetensorsError(file: file.path, tensor: name, "expected shape \(shape), found \(found)")
            }
            let v = try file.floats(name)
            v.withUnsafeBufferPointer { p.update(from: $0.base, count: v.count) }
        }
        for slot in params.slots {
            try load(slot.name, slot.shape, into: params.values.pointer + slot.offset)
            if includeOptimizer {
                try load("adam_m." + slot.name, slot.shape, into: params.adamM.pointer + slot.offset)
                try load("adam_v." + slot.name, slot.shape, into: params.adamV.pointer + slot.offset)
            }
        }
        for t in tables {
            try load(t.name, [t.rows, t.width], into: t.values.pointer)
            if includeOptimizer {
                try load("adam_m." + t.name, [t.rows, t.width], into: t.adamM.pointer)
                try load("adam_v." + t.name, [t.rows, t.width], into: t.adamV.pointer)
            }
        }
        if let cb = codebooks {
            try load("codebook.codewords", [cb.groups, cb.size, cb.width], into: cb.codewords.pointer)
            try load("codebook.ema_counts", [cb.groups, cb.size], into: cb.emaCounts.pointer)
            try load("codebook.ema_sums", [cb.groups, cb.size, cb.width], into: cb.emaSums.pointer)
            cb.refreshNorms()
        }
    }
}
