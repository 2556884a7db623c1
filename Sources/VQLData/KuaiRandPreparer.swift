import Foundation

/// `vql prepare --format kuairand`: raw KuaiRand-1K CSVs → a prepared (memory-mappable) dataset.
///
/// - Dense ids: users, items (every video that appears in a log) and tags (every tag of a
///   logged video) are each numbered 0..<n by ascending raw id, so the mapping does not
///   depend on file order. The raw ids are kept in `*_raw_ids.i64`.
/// - Events are sorted by (user, time_ms, file order), where file order is the order of
///   `KuaiRandFormat.logFiles` and then the line: equal timestamps keep their file order.
/// - Output goes to a temporary sibling directory that is renamed to the target only when
///   complete, so a failed run leaves nothing that looks like a prepared dataset.
public enum KuaiRandPreparer {
    public static func prepare(
        inputDirectory: String, outputDirectory: String, labelColumn: String = "is_click",
        overwrite: Bool = false
    ) throws -> DatasetManifest {
        guard KuaiRandFormat.binaryLabelColumns.contains(labelColumn),
              let labelIndex = KuaiRandFormat.logColumnIndex(labelColumn) else {
            throw DataError(file: "--label", "expected one of \(KuaiRandFormat.binaryLabelColumns.joined(separator: ", ")), found \"\(labelColumn)\"")
        }
        let fm = FileManager.default
        let outName = (outputDirectory as NSString).lastPathComponent
        if fm.fileExists(atPath: outputDirectory) && !overwrite {
            throw DataError(file: outName, "output directory already exists (pass --overwrite to replace it)")
        }
        let present = KuaiRandFormat.logFiles.filter { fm.fileExists(atPath: join(inputDirectory, $0)) }
        if present.isEmpty {
            throw DataError(file: inputDirectory, "no log file found: expected at least one of \(KuaiRandFormat.logFiles.joined(separator: ", "))")
        }
        let featuresPath = join(inputDirectory, KuaiRandFormat.videoFeaturesFile)
        if !fm.fileExists(atPath: featuresPath) {
            throw DataError(file: KuaiRandFormat.videoFeaturesFile, "file not found in \(inputDirectory)")
        }

        var log = RawEventLog()
        for name in present {
            try KuaiRandReader.readLog(path: join(inputDirectory, name), labelIndex: labelIndex, into: &log)
        }
        if log.count == 0 {
            throw DataError(file: present.joined(separator: ", "), "no events: expected at least one data line after the header")
        }
        let videoFeatures = try KuaiRandReader.readVideoFeatures(path: featuresPath)

        let users = DenseIds(log.user)
        let items = DenseIds(log.item)
        let n = log.count
        var eventUserDense = [Int32](repeating: 0, count: n)
        var eventItemDense = [Int32](repeating: 0, count: n)
        for e in 0..<n {
            eventUserDense[e] = users.dense[log.user[e]]!
            eventItemDense[e] = items.dense[log.item[e]]!
        }

        // Sort: counting sort by user (stable in file order), then (time, file order) per user.
        var userOffsets = [Int64](repeating: 0, count: users.count + 1)
        for u in eventUserDense { userOffsets[Int(u) + 1] += 1 }
        for u in 0..<users.count { userOffsets[u + 1] += userOffsets[u] }
        var order = [Int](repeating: 0, count: n)
        var cursor = userOffsets.map(Int.init)
        for e in 0..<n {
            let u = Int(eventUserDense[e])
            order[cursor[u]] = e
            cursor[u] += 1
        }
        let times = log.timeMs
        for u in 0..<users.count {
            let range = Int(userOffsets[u])..<Int(userOffsets[u + 1])
            order[range].sort { a, b in times[a] != times[b] ? times[a] < times[b] : a < b }
        }

        var outItem = [Int32](repeating: 0, count: n)
        var outTime = [Int64](repeating: 0, count: n)
        var outLabel = [Float](repeating: 0, count: n)
        var outUser = [Int32](repeating: 0, count: n)
        var itemCount = [Int64](repeating: 0, count: items.count)
        for (k, e) in order.enumerated() {
            outItem[k] = eventItemDense[e]
            outTime[k] = times[e]
            outLabel[k] = log.label[e]
            outUser[k] = eventUserDense[e]
            itemCount[Int(eventItemDense[e])] += 1
        }

        // Item tags: keep logged videos only; tags numbered by ascending raw id.
        var keptItem: [Int32] = []
        var keptRawTag: [Int64] = []
        for (v, t) in zip(videoFeatures.video, videoFeatures.tag) {
            if let i = items.dense[v] { keptItem.append(i); keptRawTag.append(t) }
        }
        let tags = DenseIds(keptRawTag)
        var itemTagOffsets = [Int64](repeating: 0, count: items.count + 1)
        for i in keptItem { itemTagOffsets[Int(i) + 1] += 1 }
        for i in 0..<items.count { itemTagOffsets[i + 1] += itemTagOffsets[i] }
        var itemTags = [Int32](repeating: 0, count: keptItem.count)
        var tagCursor = itemTagOffsets.map(Int.init)
        for (i, t) in zip(keptItem, keptRawTag) {
            itemTags[tagCursor[Int(i)]] = tags.dense[t]!
            tagCursor[Int(i)] += 1
        }

        let features = itemFeatures(videoFeatures, items: items)

        var sources = log.sources
        if let s = videoFeatures.source { sources.append(s) }
        let arrays: [DatasetManifest.ArrayFile] = [
            .init(name: PreparedFile.userOffsets, elementType: "i64", count: Int64(userOffsets.count)),
            .init(name: PreparedFile.eventItem, elementType: "i32", count: Int64(n)),
            .init(name: PreparedFile.eventTime, elementType: "i64", count: Int64(n)),
            .init(name: PreparedFile.eventLabel, elementType: "f32", count: Int64(n)),
            .init(name: PreparedFile.eventUser, elementType: "i32", count: Int64(n)),
            .init(name: PreparedFile.itemTagOffsets, elementType: "i64", count: Int64(itemTagOffsets.count)),
            .init(name: PreparedFile.itemTags, elementType: "i32", count: Int64(itemTags.count)),
            .init(name: PreparedFile.itemCount, elementType: "i64", count: Int64(items.count)),
            .init(name: PreparedFile.usersRawIds, elementType: "i64", count: Int64(users.count)),
            .init(name: PreparedFile.itemsRawIds, elementType: "i64", count: Int64(items.count)),
            .init(name: PreparedFile.tagsRawIds, elementType: "i64", count: Int64(tags.count)),
        ] + features.map { .init(name: $0.meta.file, elementType: "i32", count: Int64(items.count)) }
        let manifest = DatasetManifest(
            formatVersion: DatasetManifest.currentFormatVersion, sourceFormat: "kuairand",
            counts: .init(users: users.count, items: items.count, tags: tags.count, events: n),
            labelColumn: labelColumn, timeUnit: "ms",
            idOrder: "users, items and tags are each numbered 0..<n by ascending raw id",
            eventOrder: "by (user, time_ms, file order); file order = \(KuaiRandFormat.logFiles.joined(separator: ", ")) then line",
            sourceFiles: sources, arrays: arrays, itemFeatures: features.map(\.meta),
            createdAt: ISO8601DateFormatter().string(from: Date()))

        try AtomicDirectory.write(to: outputDirectory, overwrite: overwrite) { dir in
            try BinaryArrayFile.write(userOffsets, to: join(dir, PreparedFile.userOffsets))
            try BinaryArrayFile.write(outItem, to: join(dir, PreparedFile.eventItem))
            try BinaryArrayFile.write(outTime, to: join(dir, PreparedFile.eventTime))
            try BinaryArrayFile.write(outLabel, to: join(dir, PreparedFile.eventLabel))
            try BinaryArrayFile.write(outUser, to: join(dir, PreparedFile.eventUser))
            try BinaryArrayFile.write(itemTagOffsets, to: join(dir, PreparedFile.itemTagOffsets))
            try BinaryArrayFile.write(itemTags, to: join(dir, PreparedFile.itemTags))
            try BinaryArrayFile.write(itemCount, to: join(dir, PreparedFile.itemCount))
            try BinaryArrayFile.write(users.raw, to: join(dir, PreparedFile.usersRawIds))
            try BinaryArrayFile.write(items.raw, to: join(dir, PreparedFile.itemsRawIds))
            try BinaryArrayFile.write(tags.raw, to: join(dir, PreparedFile.tagsRawIds))
            for f in features { try BinaryArrayFile.write(f.values, to: join(dir, f.meta.file)) }
            // The manifest goes last: a directory without one is never taken for a dataset.
            try BinaryArrayFile.write(Array(try manifest.encoded()), to: join(dir, DatasetManifest.fileName))
        }
        return manifest
    }

    /// Dense categorical features of the logged items: 0 = missing, known values numbered
    /// 1... by ascending raw value (video_type by name). Videos without a row get 0.
    static func itemFeatures(_ raw: RawVideoFeatures, items: DenseIds) -> [(meta: DatasetManifest.ItemFeature, values: [Int32])] {
        var rowOfItem = [Int](repeating: -1, count: items.count)
        for (row, v) in raw.rowVideo.enumerated() { if let i = items.dense[v] { rowOfItem[Int(i)] = row } }
        func categorical(_ name: String, _ rawValue: (Int) -> Int64?, keepValues: Bool) -> (DatasetManifest.ItemFeature, [Int32]) {
            let present = rowOfItem.compactMap { $0 >= 0 ? rawValue($0) : nil }
            let vocab = DenseIds(present)
            let values = rowOfItem.map { row -> Int32 in
                guard row >= 0, let v = rawValue(row) else { return 0 }
                return vocab.dense[v]! + 1
            }
            let meta = DatasetManifest.ItemFeature(
                name: name, file: "item_feature_\(name).i32", vocabularySize: vocab.count + 1,
                values: keepValues ? ["missing"] + vocab.raw.map { String($0) } : nil)
            return (meta, values)
        }
        let author = categorical("author", { raw.rowAuthor[$0] }, keepValues: false)
        let music = categorical("music_type", { raw.rowMusicType[$0] }, keepValues: true)
        // video_type: order the names, then reuse the integer path on the name ranks.
        let sortedNames = raw.videoTypeNames.sorted()
        let rankOfType = raw.videoTypeNames.map { Int64(sortedNames.firstIndex(of: $0)!) }
        var videoType = categorical("video_type", { rankOfType[raw.rowVideoType[$0]] }, keepValues: false)
        let usedRanks = Set(rowOfItem.compactMap { $0 >= 0 ? rankOfType[raw.rowVideoType[$0]] : nil }).sorted()
        videoType.0.values = ["missing"] + usedRanks.map { sortedNames[Int($0)] }
        let bucketValues = rowOfItem.map { $0 >= 0 ? raw.rowDurationBucket[$0] : 0 }
        let bucket = DatasetManifest.ItemFeature(
            name: "duration_bucket", file: "item_feature_duration_bucket.i32",
            vocabularySize: KuaiRandFormat.durationBucketBoundsSeconds.count + 2,
            values: ["missing"] + (0...KuaiRandFormat.durationBucketBoundsSeconds.count).map { k in
                let b = KuaiRandFormat.durationBucketBoundsSeconds
                return k == 0 ? "<\(Int(b[0]))s" : (k == b.count ? ">=\(Int(b[k - 1]))s" : "\(Int(b[k - 1]))-\(Int(b[k]))s")
            })
        return [author, videoType, music, (bucket, bucketValues)].map { (meta: $0.0, values: $0.1) }
    }

    static func join(_ dir: String, _ name: String) -> String { (dir as NSString).appendingPathComponent(name) }
}

/// Raw ids → dense 0..<count, numbered by ascending raw id.
struct DenseIds {
    let raw: [Int64]
    let dense: [Int64: Int32]
    var count: Int { raw.count }

    init(_ values: [Int64]) {
        raw = Set(values).sorted()
        var d = [Int64: Int32](minimumCapacity: raw.count)
        for (i, r) in raw.enumerated() { d[r] = Int32(i) }
        dense = d
    }
}
