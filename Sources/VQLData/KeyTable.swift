/// Raw ids (integers, or string tokens) → provisional ids 0, 1, 2, … in first-seen order,
/// and at the end the dense numbering the prepared format uses.
///
/// Integer keys live in an open-addressing hash table (linear probing, Fibonacci hashing),
/// several times faster than `Dictionary` on the 10^7-row hot path. String tokens (RecBole)
/// go through a `Dictionary`. A table holds one kind of key; which kind is fixed by the first
/// insertion.
public final class KeyTable {
    /// Open-addressing slots: key and id side by side, so a probe touches one cache line
    /// (the tables of big logs outgrow the caches; two arrays would cost two misses).
    private struct Slot {
        var key: Int64
        var id: Int64  // provisional id, -1 = empty (64-bit keeps the slot 16 bytes, aligned)
    }
    private var slots: UnsafeMutablePointer<Slot>
    private var slotCount: Int
    private var mask: Int
    private var shift: Int
    /// Integer keys by provisional id.
    public private(set) var intKeys: [Int64] = []
    /// Token keys by provisional id (RecBole).
    public private(set) var tokens: [String] = []
    private var tokenIds: [String: Int32] = [:]

    public init() {
        slotCount = 1024
        slots = .allocate(capacity: slotCount)
        slots.initialize(repeating: Slot(key: 0, id: -1), count: slotCount)
        mask = 1023
        shift = 64 - 10
    }

    deinit { slots.deallocate() }

    /// Number of distinct keys seen.
    public var count: Int { tokens.isEmpty ? intKeys.count : tokens.count }
    public var holdsTokens: Bool { !tokens.isEmpty }

    @inline(__always) private static func slot(_ k: Int64, _ shift: Int) -> Int {
        Int(truncatingIfNeeded: (UInt64(bitPattern: k) &* 0x9E37_79B9_7F4A_7C15) >> UInt64(shift))
    }

    /// The provisional id of integer key `k`, inserting it if new. (Class properties are
    /// read once into locals: each access of a stored `var` costs an exclusivity check.)
    @inline(__always)
    public func id(_ k: Int64) -> Int32 {
        let table = slots, m = mask
        var s = Self.slot(k, shift)
        while true {
            let slot = table[s]
            if slot.id < 0 { break }
            if slot.key == k { return Int32(truncatingIfNeeded: slot.id) }
            s = (s + 1) & m
        }
        let v = Int32(intKeys.count)
        table[s] = Slot(key: k, id: Int64(v))
        intKeys.append(k)
        if intKeys.count * 2 > slotCount { grow() }
        return v
    }

    /// The integer keys by provisional id; the table is left empty, its grown slots kept for
    /// the next keys (reusing a table spares the growth's rehashing and fresh memory).
    public func takeKeys() -> [Int64] {
        precondition(tokens.isEmpty, "KeyTable.takeKeys: integer keys only")
        let keys = intKeys.withUnsafeBufferPointer { Array($0) }  // a copy: intKeys keeps its capacity
        intKeys.removeAll(keepingCapacity: true)
        slots.update(repeating: Slot(key: 0, id: -1), count: slotCount)
        return keys
    }

    /// The provisional id of integer key `k`, or nil if never inserted.
    public func find(_ k: Int64) -> Int32? {
        let table = slots, m = mask
        var s = Self.slot(k, shift)
        while true {
            let slot = table[s]
            if slot.id < 0 { return nil }
            if slot.key == k { return Int32(truncatingIfNeeded: slot.id) }
            s = (s + 1) & m
        }
    }

    /// The provisional id of token `t`, inserting it if new.
    public func id(token t: String) -> Int32 {
        if let v = tokenIds[t] { return v }
        let v = Int32(tokens.count)
        tokenIds[t] = v
        tokens.append(t)
        return v
    }

    public func find(token t: String) -> Int32? { tokenIds[t] }

    private func grow() {
        let n = slotCount * 2
        slots.deallocate()
        slots = .allocate(capacity: n)
        slots.initialize(repeating: Slot(key: 0, id: -1), count: n)
        slotCount = n
        mask = n - 1
        shift -= 1
        let table = slots
        for (v, k) in intKeys.enumerated() {
            var s = Self.slot(k, shift)
            while table[s].id >= 0 { s = (s + 1) & mask }
            table[s] = Slot(key: k, id: Int64(v))
        }
    }

    /// Dense numbering of the provisional ids where `used[id]` is true: integer keys in
    /// ascending order; tokens in ascending numeric order when every used token is an
    /// integer, else in byte order. Returns provisional → dense (-1 = unused), the raw id of
    /// each dense id (the token's value, or the dense id itself for non-numeric tokens) and,
    /// for non-numeric tokens, the tokens by dense id.
    public func dense(used: [Bool]) -> (map: [Int32], raw: [Int64], names: [String]?) {
        var map = [Int32](repeating: -1, count: count)
        var chosen = (0..<count).filter { used[$0] }
        if tokens.isEmpty {
            chosen.sort { intKeys[$0] < intKeys[$1] }
            for (d, p) in chosen.enumerated() { map[p] = Int32(d) }
            return (map, chosen.map { intKeys[$0] }, nil)
        }
        let numeric = chosen.map { Int64(tokens[$0]) }
        if numeric.allSatisfy({ $0 != nil }) {
            var value = [Int64](repeating: 0, count: count)
            for (k, p) in chosen.enumerated() { value[p] = numeric[k]! }
            chosen.sort { value[$0] != value[$1] ? value[$0] < value[$1] : tokens[$0] < tokens[$1] }
            for (d, p) in chosen.enumerated() { map[p] = Int32(d) }
            return (map, chosen.map { value[$0] }, nil)
        }
        chosen.sort { Array(tokens[$0].utf8).lexicographicallyPrecedes(Array(tokens[$1].utf8)) }
        for (d, p) in chosen.enumerated() { map[p] = Int32(d) }
        return (map, chosen.indices.map { Int64($0) }, chosen.map { tokens[$0] })
    }
}
