/// Events as read from raw files, in file order (files in their documented order, then
/// line order), before filtering, remapping and sorting. Users and items are provisional
/// ids of `users` / `items` (first-seen order); `seq` in the writer is the array index.
public struct EventLog {
    public var user: [Int32] = []
    public var item: [Int32] = []
    /// Unix milliseconds.
    public var time: [Int64] = []
    public var label: [Float] = []
    public var users = KeyTable()
    public var items = KeyTable()
    public var sources: [DatasetManifest.SourceFile] = []
    /// Checksums still being computed for some of `sources` (filled in by the writer).
    public var digests: FileDigests?
    /// An optional 0/1 flag per event kept in the prepared data as `event_<name>.u8`
    /// (KuaiRand: `is_rand`, random exposures). Events appended with `append` get 0.
    public var flags: (name: String, values: [UInt8])?

    public init() {}

    public var count: Int { user.count }

    @inline(__always)
    public mutating func append(user u: Int32, item i: Int32, time t: Int64, label y: Float) {
        user.append(u)
        item.append(i)
        time.append(t)
        label.append(y)
        flags?.values.append(0)
    }

    /// Keeps the events where `keep[e]` is true, in order.
    public mutating func compact(_ keep: [Bool]) {
        var w = 0
        let n = count
        for e in 0..<n where keep[e] {
            user[w] = user[e]; item[w] = item[e]; time[w] = time[e]; label[w] = label[e]
            if flags != nil { flags!.values[w] = flags!.values[e] }
            w += 1
        }
        flags?.values.removeLast(n - w)
        user.removeLast(n - w); item.removeLast(item.count - w)
        time.removeLast(time.count - w); label.removeLast(label.count - w)
    }
}

/// Static item side information: a multi-valued `tag` feature and single-valued categorical
/// features, keyed by the provisional item ids of an `EventLog`. Items that never appear in
/// the log are not recorded (readers look them up with `KeyTable.find`).
public struct ItemSide {
    /// (provisional item, provisional tag) pairs; an item's pairs are in file order.
    public var tagItem: [Int32] = []
    public var tagValue: [Int32] = []
    public var tags = KeyTable()
    public var features: [FeatureColumn] = []
    /// itemHasTags[i]: item i's tags were already recorded (first row of an item wins).
    public var itemHasTags: [Bool] = []

    /// Marks `item` as having its tags; false if it already had them.
    @inline(__always)
    public mutating func firstTagsOf(_ item: Int32) -> Bool {
        let i = Int(item)
        if i >= itemHasTags.count { itemHasTags.append(contentsOf: repeatElement(false, count: max(i + 1 - itemHasTags.count, itemHasTags.count))) }
        if itemHasTags[i] { return false }
        itemHasTags[i] = true
        return true
    }

    public init() {}
}

/// One categorical feature: value of each item (`ItemSide`), or of each user (`UserSide`,
/// where "item" reads "user"), first row wins, 0 = missing.
public struct FeatureColumn {
    public var name: String
    /// Provisional item → provisional value id (-1 = none), grown as items appear.
    public var valueOfItem: [Int32] = []
    public var values = KeyTable()
    /// Keep the raw values by dense value in the manifest (small vocabularies).
    public var keepValues: Bool
    /// When set, values are already dense 1..<count (0 = missing) with these names.
    public var fixedVocabulary: [String]?

    public init(name: String, keepValues: Bool = false, fixedVocabulary: [String]? = nil) {
        self.name = name
        self.keepValues = keepValues
        self.fixedVocabulary = fixedVocabulary
    }

    /// Records `value` for `item` unless the item already has one.
    @inline(__always)
    public mutating func set(item: Int32, value: Int32) {
        let i = Int(item)
        if i >= valueOfItem.count { valueOfItem.append(contentsOf: repeatElement(-1, count: i + 1 - valueOfItem.count)) }
        if valueOfItem[i] < 0 { valueOfItem[i] = value }
    }
}
