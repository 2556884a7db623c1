import VQLData
import VQLModel

/// Turns target events into samples: the target (item, time, label) and the user's events
/// strictly before it in (time, file order), the last `maxLength` of them, oldest first,
/// plus the user's values of the user features the model reads.
public struct BatchBuilder: @unchecked Sendable {
    public let dataset: PreparedDataset
    public let maxLength: Int
    /// The dataset arrays of the user features, in the model's order.
    let userFeatureColumns: [UnsafePointer<Int32>]

    /// `userFeatures`: names of the dataset's user features the model reads, in its order.
    public init(dataset: PreparedDataset, maxLength: Int, userFeatures: [String] = []) throws {
        self.dataset = dataset
        self.maxLength = maxLength
        userFeatureColumns = try userFeatures.map { name in
            guard let column = dataset.userFeature(name) else {
                throw DataError(file: dataset.directory, "expected user feature \(name) in the dataset (has: \(dataset.manifest.userFeatures.map(\.name).joined(separator: ", ")))")
            }
            return column
        }
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
            let u = Int(dataset.eventUser[e])
            for column in userFeatureColumns { batch.userFeatures.append(column[u]) }
        }
    }

    /// The model's view of the dataset's item tags (memory-mapped, not copied).
    public var itemTags: ItemTags {
        ItemTags(itemCount: dataset.itemCount, offsets: dataset.itemTagOffsets, tags: dataset.itemTags, owner: dataset)
    }
}
