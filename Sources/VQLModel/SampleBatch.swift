/// The static tags of every item, as CSR arrays: tags of item i are
/// tags[offsets[i] ..< offsets[i+1]]. `owner` keeps the memory alive (an array, an mmap).
public struct ItemTags: @unchecked Sendable {
    public let itemCount: Int
    public let offsets: UnsafePointer<Int64>
    public let tags: UnsafePointer<Int32>
    public let owner: AnyObject?

    public init(itemCount: Int, offsets: UnsafePointer<Int64>, tags: UnsafePointer<Int32>, owner: AnyObject?) {
        self.itemCount = itemCount
        self.offsets = offsets
        self.tags = tags
        self.owner = owner
    }

    /// Builds owned CSR arrays from per-item tag lists (tests, small inputs).
    public init(lists: [[Int32]]) {
        let storage = ItemTagStorage(lists: lists)
        self.init(itemCount: lists.count, offsets: storage.offsets.baseAddress!, tags: storage.tags.baseAddress!, owner: storage)
    }
}

final class ItemTagStorage {
    let offsets: UnsafeMutableBufferPointer<Int64>
    let tags: UnsafeMutableBufferPointer<Int32>
    init(lists: [[Int32]]) {
        offsets = .allocate(capacity: lists.count + 1)
        let flat = lists.flatMap { $0 }
        tags = .allocate(capacity: max(flat.count, 1))
        var o: Int64 = 0
        for (i, l) in lists.enumerated() { offsets[i] = o; o += Int64(l.count) }
        offsets[lists.count] = o
        for (i, t) in flat.enumerated() { tags[i] = t }
    }
    deinit { offsets.deallocate(); tags.deallocate() }
}

/// The samples one rank computes in one step: each a target (item, time, label) and its
/// history (items and times, oldest first), concatenated with offsets.
public struct SampleBatch: Sendable {
    public var targetItem: [Int32] = []
    public var targetTime: [Int64] = []
    public var label: [Float] = []
    /// History of sample s is positions historyOffsets[s] ..< historyOffsets[s+1].
    public var historyOffsets: [Int] = [0]
    public var historyItem: [Int32] = []
    /// Times in milliseconds.
    public var historyTime: [Int64] = []
    /// The user of each sample (for GAUC); not used by the model.
    public var user: [Int32] = []
    /// The user feature values of each sample, F per sample in `ModelShape.userFeatures`
    /// order (appended by the caller after `append`), or empty: every feature missing.
    public var userFeatures: [Int32] = []

    public init() {}

    public var count: Int { targetItem.count }
    public var positionCount: Int { historyItem.count }

    public mutating func removeAll() {
        targetItem.removeAll(keepingCapacity: true)
        targetTime.removeAll(keepingCapacity: true)
        label.removeAll(keepingCapacity: true)
        historyOffsets.removeAll(keepingCapacity: true)
        historyOffsets.append(0)
        historyItem.removeAll(keepingCapacity: true)
        historyTime.removeAll(keepingCapacity: true)
        user.removeAll(keepingCapacity: true)
        userFeatures.removeAll(keepingCapacity: true)
    }

    /// Appends one sample; `items` and `times` are its history, oldest first.
    public mutating func append(user u: Int32, targetItem item: Int32, targetTime t: Int64, label y: Float,
                                items: UnsafeBufferPointer<Int32>, times: UnsafeBufferPointer<Int64>) {
        precondition(items.count == times.count)
        targetItem.append(item)
        targetTime.append(t)
        label.append(y)
        user.append(u)
        historyItem.append(contentsOf: items)
        historyTime.append(contentsOf: times)
        historyOffsets.append(historyItem.count)
    }
}
