import VQLData
import VQLModel

/// Turns target events into samples: the target (item, time, label) and the user's events
/// strictly before it in (time, file order), the last `maxLength` of them, oldest first.
public struct BatchBuilder: @unchecked Sendable {
    public let dataset: PreparedDataset
    public let maxLength: Int

    public init(dataset: PreparedDataset, maxLength: Int) {
        self.dataset = dataset
        self.maxLength = maxLength
    }

    /// History range of target event `e`.
    public func history(of e: Int) -> Range<Int> {
        let u = Int(dataset.eventUser[e])
        let first = Int(dataset.userOffsets[u])
        return max(first, e - maxLength)..<e
    }

    /// Appends the samples of `events` to `batch`.
    public func append(events: [Int64], to batch: inout SampleBatch) {
        for e64 in events {
            let e = Int(e64)
            let h = history(of: e)
            batch.append(user: dataset.eventUser[e], targetItem: dataset.eventItem[e], targetTime: dataset.eventTime[e],
                         label: dataset.eventLabel[e],
                         items: UnsafeBufferPointer(start: dataset.eventItem + h.lowerBound, count: h.count),
                         times: UnsafeBufferPointer(start: dataset.eventTime + h.lowerBound, count: h.count))
        }
    }

    /// The model's view of the dataset's item tags (memory-mapped, not copied).
    public var itemTags: ItemTags {
        ItemTags(itemCount: dataset.itemCount, offsets: dataset.itemTagOffsets, tags: dataset.itemTags, owner: dataset)
    }
}
