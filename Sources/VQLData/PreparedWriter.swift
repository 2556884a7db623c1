import Foundation

/// The format-independent half of `vql prepare`: an `EventLog` plus `ItemSide` → a prepared
/// directory (see `PreparedDataset`) and a `PrepareSummary`.
///
/// - Dense ids: users, items (those with a kept event) and tags (those of kept items) are
///   numbered 0..<n by ascending raw id (`KeyTable.dense`); raw ids go to `*_raw_ids.i64`
///   and, for non-numeric tokens (RecBole), the tokens to `*_tokens.txt` (one per line).
/// - Events are sorted by (user, time, file order): a counting sort by user keeps file
///   order, then each user's slice is stably sorted by time (skipped when already sorted).
/// - Written into a temporary sibling renamed into place at the end (`AtomicDirectory`);
///   the manifest is the last file written.
public enum PreparedWriter {
    public struct Description {
        public var sourceFormat: String
        public var labelColumn: String
        public var eventOrder: String
        public init(sourceFormat: String, labelColumn: String, eventOrder: String) {
            self.sourceFormat = sourceFormat
            self.labelColumn = labelColumn
            self.eventOrder = eventOrder
        }
    }

    public static let summaryFile = "prepare_summary.json"

    public static func write(
        _ log: EventLog, _ side: ItemSide, users userSide: UserSide = UserSide(), description: Description,
        settings: PrepareSettings, summary partial: PrepareSummary
    ) throws -> (DatasetManifest, PrepareSummary) {
        PrepareTiming.mark("features + filters")
        let n = log.count
        let index = EventIndex(log)
        let users = index.users, items = index.items
        let userCount = users.raw.count, itemCount = items.raw.count
        let userOffsets = index.userOffsets, order = index.order, itemEvents = index.itemEvents
        let positives = index.positives, times = log.time
        PrepareTiming.mark("dense ids + sort")

        // Tags: first row of each kept item; tags numbered by ascending raw value.
        var usedTag = [Bool](repeating: false, count: side.tags.count)
        for (i, t) in zip(side.tagItem, side.tagValue) where items.map[Int(i)] >= 0 { usedTag[Int(t)] = true }
        let tags = side.tags.dense(used: usedTag)
        var itemTagOffsets = [Int64](repeating: 0, count: itemCount + 1)
        for i in side.tagItem where items.map[Int(i)] >= 0 { itemTagOffsets[Int(items.map[Int(i)]) + 1] += 1 }
        for i in 0..<itemCount { itemTagOffsets[i + 1] += itemTagOffsets[i] }
        var itemTags = [Int32](repeating: 0, count: Int(itemTagOffsets[itemCount]))
        var tagCursor = itemTagOffsets
        for (i, t) in zip(side.tagItem, side.tagValue) where items.map[Int(i)] >= 0 {
            let d = Int(items.map[Int(i)])
            itemTags[Int(tagCursor[d])] = tags.map[Int(t)]
            tagCursor[d] += 1
        }

        let features = side.features.map { featureArray($0, items: items.map, itemCount: itemCount) }

        var summary = partial
        summary.format = description.sourceFormat
        summary.users = userCount
        summary.items = itemCount
        summary.tags = tags.raw.count
        summary.events = n
        summary.positives = positives
        summary.maxLen = settings.maxLen
        summary.historyLength = .init((0..<userCount).map { Int(userOffsets[$0 + 1] - userOffsets[$0]) })
        summary.samplesTruncated = (0..<userCount).reduce(0) { acc, u in
            acc + max(0, Int(userOffsets[u + 1] - userOffsets[u]) - 1 - settings.maxLen)
        }

        var arrays: [DatasetManifest.ArrayFile] = [
            .init(name: PreparedFile.userOffsets, elementType: "i64", count: Int64(userOffsets.count)),
            .init(name: PreparedFile.eventItem, elementType: "i32", count: Int64(n)),
            .init(name: PreparedFile.eventTime, elementType: "i64", count: Int64(n)),
            .init(name: PreparedFile.eventLabel, elementType: "f32", count: Int64(n)),
            .init(name: PreparedFile.eventUser, elementType: "i32", count: Int64(n)),
            .init(name: PreparedFile.itemTagOffsets, elementType: "i64", count: Int64(itemTagOffsets.count)),
            .init(name: PreparedFile.itemTags, elementType: "i32", count: Int64(itemTags.count)),
            .init(name: PreparedFile.itemCount, elementType: "i64", count: Int64(itemCount)),
            .init(name: PreparedFile.usersRawIds, elementType: "i64", count: Int64(userCount)),
            .init(name: PreparedFile.itemsRawIds, elementType: "i64", count: Int64(itemCount)),
            .init(name: PreparedFile.tagsRawIds, elementType: "i64", count: Int64(tags.raw.count)),
        ] + features.map { .init(name: $0.meta.file, elementType: "i32", count: Int64(itemCount)) }
        if let flags = log.flags { arrays.append(.init(name: "event_\(flags.name).u8", elementType: "u8", count: Int64(n))) }
        let tokenFiles = [("users_tokens.txt", users.names), ("items_tokens.txt", items.names), ("tags_tokens.txt", tags.names)]
            .compactMap { name, list in list.map { (name, $0) } }
        arrays += tokenFiles.map { .init(name: $0.0, elementType: "utf8-lines", count: Int64($0.1.count)) }
        var manifest = DatasetManifest(
            formatVersion: DatasetManifest.currentFormatVersion, sourceFormat: description.sourceFormat,
            counts: .init(users: userCount, items: itemCount, tags: tags.raw.count, events: n),
            labelColumn: description.labelColumn, timeUnit: "ms",
            idOrder: "users, items and tags are each numbered 0..<n by ascending raw id (non-numeric tokens: byte order, see *_tokens.txt)",
            eventOrder: description.eventOrder, sourceFiles: log.sources, arrays: arrays,
            itemFeatures: features.map(\.meta), createdAt: ISO8601DateFormatter().string(from: Date()))

        let userFeatures = UserFeatureArrays(userSide, users: users.map, userCount: userCount, manifest: &manifest, summary: &summary)
        PrepareTiming.mark("tags, features, summary")
        let summaryBytes = try summary.encoded()
        try AtomicDirectory.write(to: settings.output, overwrite: settings.overwrite) { dir in
            @Sendable func path(_ name: String) -> String { (dir as NSString).appendingPathComponent(name) }
            // Every file is a job; jobs run on all cores. Event columns are gathered in sorted
            // order a block at a time, never whole in memory.
            let o = order, offsets = userOffsets, itemMap = items.map, item = log.item, label = log.label
            let tagOffsets = itemTagOffsets, tagList = itemTags, eventsPerItem = itemEvents, summaryData = Array(summaryBytes)
            typealias Job = (String, @Sendable (String) throws -> Void)
            func job(_ name: String, _ body: @escaping @Sendable (String) throws -> Void) -> Job { (name, body) }
            var jobs: [Job] = [
                job(PreparedFile.eventItem) { try BinaryArrayFile.write(count: n, to: $0) { k in itemMap[Int(item[Int(o[k])])] } },
                job(PreparedFile.eventTime) { try BinaryArrayFile.write(count: n, to: $0) { k in times[Int(o[k])] } },
                job(PreparedFile.eventLabel) { try BinaryArrayFile.write(count: n, to: $0) { k in label[Int(o[k])] } },
                job(PreparedFile.eventUser) { path in
                    var u = 0
                    try BinaryArrayFile.write(count: n, to: path) { k -> Int32 in
                        while offsets[u + 1] <= Int64(k) { u += 1 }
                        return Int32(u)
                    }
                },
                job(PreparedFile.userOffsets) { try BinaryArrayFile.write(offsets, to: $0) },
                job(PreparedFile.itemTagOffsets) { try BinaryArrayFile.write(tagOffsets, to: $0) },
                job(PreparedFile.itemTags) { try BinaryArrayFile.write(tagList, to: $0) },
                job(PreparedFile.itemCount) { try BinaryArrayFile.write(eventsPerItem, to: $0) },
                job(PreparedFile.usersRawIds) { try BinaryArrayFile.write(users.raw, to: $0) },
                job(PreparedFile.itemsRawIds) { try BinaryArrayFile.write(items.raw, to: $0) },
                job(PreparedFile.tagsRawIds) { try BinaryArrayFile.write(tags.raw, to: $0) },
                job(summaryFile) { try BinaryArrayFile.write(summaryData, to: $0) },
            ]
            if let flags = log.flags {
                let v = flags.values
                jobs.append(job("event_\(flags.name).u8") { try BinaryArrayFile.write(count: n, to: $0) { k in v[Int(o[k])] } })
            }
            for f in features { jobs.append(job(f.meta.file) { try BinaryArrayFile.write(f.values, to: $0) }) }
            for (name, values) in userFeatures.files { jobs.append(job(name) { try BinaryArrayFile.write(values, to: $0) }) }
            for (name, list) in tokenFiles {
                jobs.append(job(name) { try BinaryArrayFile.write(Array(list.map { $0 + "\n" }.joined().utf8), to: $0) })
            }
            let failures = ResultSlots<Void>(count: jobs.count)
            let jobList = jobs
            DispatchQueue.concurrentPerform(iterations: jobList.count) { k in
                failures.set(k, Result { try jobList[k].1(path(jobList[k].0)) })
            }
            for k in jobs.indices { try failures.take(k) }
            PrepareTiming.mark("write arrays")
            if let digests = log.digests { manifest.sourceFiles = try digests.resolve(manifest.sourceFiles) }
            PrepareTiming.mark("wait for checksums")
            // The manifest goes last: a directory without one is never taken for a dataset.
            try BinaryArrayFile.write(Array(try manifest.encoded()), to: path(DatasetManifest.fileName))
        }
        PrepareTiming.mark("manifest, rename")
        return (manifest, summary)
    }

    /// One feature as a dense i32 per item: 0 = missing, known values 1... by ascending raw
    /// value (tokens: numeric order if all numeric, else byte order), or as given when the
    /// column has a fixed vocabulary.
    static func featureArray(_ f: FeatureColumn, items: [Int32], itemCount: Int) -> (meta: DatasetManifest.ItemFeature, values: [Int32]) {
        var values = [Int32](repeating: 0, count: itemCount)
        if let fixed = f.fixedVocabulary {
            for (i, v) in f.valueOfItem.enumerated() where v >= 0 && items[i] >= 0 { values[Int(items[i])] = v }
            return (.init(name: f.name, file: "item_feature_\(f.name).i32", vocabularySize: fixed.count, values: fixed), values)
        }
        var used = [Bool](repeating: false, count: f.values.count)
        for (i, v) in f.valueOfItem.enumerated() where v >= 0 && items[i] >= 0 { used[Int(v)] = true }
        let vocab = f.values.dense(used: used)
        for (i, v) in f.valueOfItem.enumerated() where v >= 0 && items[i] >= 0 { values[Int(items[i])] = vocab.map[Int(v)] + 1 }
        let names = vocab.names ?? vocab.raw.map { String($0) }
        return (.init(name: f.name, file: "item_feature_\(f.name).i32", vocabularySize: vocab.raw.count + 1,
                      values: f.keepValues ? ["missing"] + names : nil), values)
    }
}
