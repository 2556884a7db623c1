import Foundation
import VQLCore

/// One codebook of K codewords per head group, learned by exponential moving averages
/// (VQ-VAE-2 / Transformer-VQ), never by gradients:
///
///     N_c ← γ·N_c + (1−γ)·n_c,   M_c ← γ·M_c + (1−γ)·m_c,   C_c = M_c / max(N_c, ε)
///
/// where n_c counts the keys assigned to c in the global batch and m_c sums them.
public final class Codebooks: @unchecked Sendable {
    public let groups: Int
    public let size: Int
    public let width: Int
    /// C[g, c, w]
    public let codewords: FloatBuffer
    /// N[g, c]
    public let emaCounts: FloatBuffer
    /// M[g, c, w]
    public let emaSums: FloatBuffer
    /// ‖C[g, c]‖², refreshed with the codewords.
    let squaredNorms: FloatBuffer
    public static let epsilon: Float = 1e-5

    public init(groups: Int, size: Int, width: Int) {
        self.groups = groups
        self.size = size
        self.width = width
        codewords = FloatBuffer(count: groups * size * width)
        emaCounts = FloatBuffer(count: groups * size)
        emaSums = FloatBuffer(count: groups * size * width)
        squaredNorms = FloatBuffer(count: groups * size)
    }

    /// Number of floats in one step's statistics (n then m), the payload of one allreduce.
    public var statisticsCount: Int { groups * size * (1 + width) }

    /// Pointer to codeword c of group g.
    @inline(__always) public func codeword(_ g: Int, _ c: Int) -> UnsafeMutablePointer<Float> {
        codewords.pointer + (g * size + c) * width
    }

    /// ‖k − C[z]‖² of one key row (every group g against its codeword C_g[z_g]); with
    /// `gradient`, also adds factor·(k − C[z]) to it (the commitment term's derivative).
    /// Eight partial sums per group, then the groups in order.
    @inline(__always)
    public func commitment(key: UnsafePointer<Float>, codes: UnsafePointer<Int32>, gradient: UnsafeMutablePointer<Float>?, factor: Float) -> Float {
        var d2: Float = 0
        for g in 0..<groups {
            let c = codeword(g, Int(codes[g])), k = key + g &* width, out = gradient.map { $0 + g &* width }
            var acc = SIMD8<Float>()
            var i = 0
            while i &+ 8 <= width {
                let d = UnsafeRawPointer(k + i).loadUnaligned(as: SIMD8<Float>.self) - UnsafeRawPointer(c + i).loadUnaligned(as: SIMD8<Float>.self)
                acc += d * d
                if let out {
                    let o = UnsafeRawPointer(out + i).loadUnaligned(as: SIMD8<Float>.self)
                    UnsafeMutableRawPointer(out + i).storeBytes(of: o + factor * d, as: SIMD8<Float>.self)
                }
                i &+= 8
            }
            var s = acc.sum()
            while i < width {
                let d = k[i] - c[i]
                s += d * d
                if let out { out[i] += factor * d }
                i &+= 1
            }
            d2 += s
        }
        return d2
    }

    /// Sets codeword (g, c) to `key` and restarts its EMA at N = 1, M = key.
    public func seed(group g: Int, code c: Int, key: UnsafePointer<Float>) {
        codeword(g, c).update(from: key, count: width)
        emaCounts[g * size + c] = 1
        (emaSums.pointer + (g * size + c) * width).update(from: key, count: width)
        refreshNorms()
    }

    public func refreshNorms() {
        for i in 0..<(groups * size) {
            let w = codewords.pointer + i * width
            var s: Float = 0
            for k in 0..<width { s += w[k] * w[k] }
            squaredNorms[i] = s
        }
    }

    /// z[r, g] = argmin_c ‖keys[r, g] − C[g, c]‖² for keys[n, G·w], as ‖C‖² − 2·k·C per row
    /// (‖k‖² is the same for every c). `scratch` holds the [n, K] products for one group.
    public func assign(keys: UnsafePointer<Float>, rows n: Int, codes: UnsafeMutablePointer<Int32>, scratch: ScratchBuffer) {
        let products = scratch.reserve(n * size)
        for g in 0..<groups {
            BLAS.sgemm(.none, .transpose, m: n, n: size, k: width, a: keys + g * width, lda: groups * width,
                       b: codewords.pointer + g * size * width, ldb: width, c: products, ldc: size)
            let norms = UnsafePointer(squaredNorms.pointer + g * size)
            for r in 0..<n { codes[r &* groups &+ g] = Int32(Self.firstMinimum(size, norms, UnsafePointer(products + r &* size))) }
        }
    }

    /// The first c with the smallest norms[c] − 2·products[c] over 0..<n: eight lanes keep
    /// their own first minimum (strict <), then the smallest value wins and, on a tie, the
    /// smallest index, which is the first minimum of a scan in order.
    @inline(__always)
    static func firstMinimum(_ n: Int, _ norms: UnsafePointer<Float>, _ products: UnsafePointer<Float>) -> Int {
        var c = 0, best = 0, bestValue = Float.infinity
        if n >= 8 {
            func values(_ c: Int) -> SIMD8<Float> {
                UnsafeRawPointer(norms + c).loadUnaligned(as: SIMD8<Float>.self) - 2 * UnsafeRawPointer(products + c).loadUnaligned(as: SIMD8<Float>.self)
            }
            var laneValue = values(0), laneIndex = SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7)
            c = 8
            while c &+ 8 <= n {
                let v = values(c), smaller = v .< laneValue
                laneValue.replace(with: v, where: smaller)
                laneIndex.replace(with: SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7) &+ Int32(c), where: smaller)
                c &+= 8
            }
            bestValue = laneValue[0]
            best = Int(laneIndex[0])
            for l in 1..<8 where laneValue[l] < bestValue || (laneValue[l] == bestValue && Int(laneIndex[l]) < best) {
                bestValue = laneValue[l]
                best = Int(laneIndex[l])
            }
        } else {
            bestValue = norms[0] - 2 * products[0]
            c = 1
        }
        while c < n {
            let v = norms[c] - 2 * products[c]
            if v < bestValue { bestValue = v; best = c }
            c &+= 1
        }
        return best
    }

    /// Adds this batch's statistics to stats[G·K·(1+w)] (n first, then m):
    /// each of the n rows counts `weight[r]` times (its occurrences in the batch's histories).
    public func accumulateStatistics(keys: UnsafePointer<Float>, codes: UnsafePointer<Int32>, weight: UnsafePointer<Float>,
                                     rows n: Int, into stats: UnsafeMutablePointer<Float>) {
        let sums = stats + groups * size
        for r in 0..<n where weight[r] != 0 {
            for g in 0..<groups {
                let c = Int(codes[r * groups + g])
                stats[g * size + c] += weight[r]
                BLAS.axpy(width, weight[r], keys + (r * groups + g) * width, sums + (g * size + c) * width)
            }
        }
    }

    /// One EMA step from globally summed statistics, then C = M / max(N, ε).
    public func applyEMA(statistics stats: UnsafePointer<Float>, decay: Float) {
        let sums = stats + groups * size
        for i in 0..<(groups * size) {
            emaCounts[i] = decay * emaCounts[i] + (1 - decay) * stats[i]
            let m = emaSums.pointer + i * width, s = sums + i * width, c = codewords.pointer + i * width
            let inv = 1 / max(emaCounts[i], Codebooks.epsilon)
            for k in 0..<width {
                m[k] = decay * m[k] + (1 - decay) * s[k]
                c[k] = m[k] * inv
            }
        }
        refreshNorms()
    }

    /// Codes whose EMA count fell below `threshold`, as (group, code) pairs in a fixed order.
    public func deadCodes(threshold: Float) -> [(group: Int, code: Int)] {
        var out: [(Int, Int)] = []
        for g in 0..<groups { for c in 0..<size where emaCounts[g * size + c] < threshold { out.append((g, c)) } }
        return out
    }
}
