import Foundation

/// `vql prepare --format kuairand`: the three KuaiRand-1K logs (standard and random, in
/// `KuaiRandFormat.logFiles` order, which is the file order that breaks time ties) plus
/// `video_features_basic_1k.csv` → a prepared dataset (see `PreparedWriter`).
///
/// Label: a 0/1 log column (`is_click` by default). Time: `time_ms`. Item features: tags
/// (multi-valued), author, video_type, music_type, duration bucket (0 = missing). User
/// features: `user_features_1k.csv` when present (`KuaiUserFeatures`).
public enum KuaiRandPreparer {
    /// The old entry point: strict policy, no filters.
    public static func prepare(
        inputDirectory: String, outputDirectory: String, labelColumn: String = "is_click",
        overwrite: Bool = false
    ) throws -> DatasetManifest {
        var s = PrepareSettings()
        s.input = inputDirectory
        s.output = outputDirectory
        s.label = labelColumn
        s.overwrite = overwrite
        return try prepare(s).0
    }

    public static func prepare(_ s: PrepareSettings) throws -> (DatasetManifest, PrepareSummary) {
        let labelColumn = s.labelColumn
        guard KuaiRandFormat.binaryLabelColumns.contains(labelColumn),
              let labelIndex = KuaiRandFormat.logColumnIndex(labelColumn) else {
            throw DataError(file: "label", "expected one of \(KuaiRandFormat.binaryLabelColumns.joined(separator: ", ")), found \"\(labelColumn)\"")
        }
        let userColumns = try KuaiUserFeatures.keptColumns(s.userFeatureFields, file: KuaiUserFeatures.kuaiRandFile)
        try DatasetPreparer.checkOutput(s)
        let fm = FileManager.default
        let present = KuaiRandFormat.logFiles.filter { fm.fileExists(atPath: SourceFile.join(s.input, $0)) }
        if present.isEmpty {
            throw DataError(file: s.input, "no log file found: expected at least one of \(KuaiRandFormat.logFiles.joined(separator: ", "))")
        }
        var g = RowGuard(policy: s.badRows)
        if !fm.fileExists(atPath: SourceFile.join(s.input, KuaiRandFormat.videoFeaturesFile)) {
            try g.reject(DropReason.missingFile, DataError(file: KuaiRandFormat.videoFeaturesFile, "file not found in \(s.input)"))
        }
        var summary = PrepareSummary()
        PrepareTiming.mark("start")
        // The video features file is read alongside the logs, resolved against them after.
        let featuresPresent = fm.fileExists(atPath: SourceFile.join(s.input, KuaiRandFormat.videoFeaturesFile))
        let videos = LockedBox<Result<KuaiRandVideoFeatures, any Error>>()
        let input = s.input, policy = s.badRows
        let readVideos: @Sendable () -> Void = {
            videos.set(Result { try KuaiRandVideoFeatures.read(dir: input, policy: policy) })
        }
        var log = try KuaiRandReader.readLogs(dir: s.input, names: present, labelIndex: labelIndex, policy: s.badRows,
                                    guard: &g, rows: &summary.rowsRead,
                                    rangeBytes: s.parallelRangeBytes,
                                    alongside: featuresPresent ? readVideos : nil)
        if log.count == 0 {
            throw DataError(file: present.joined(separator: ", "), "no events: expected at least one data line after the header")
        }
        PrepareTiming.mark("read logs")
        var side = ItemSide()
        if let result = videos.get() {
            let v = try result.get()
            g.dropped.merge(v.dropped)
            if let source = v.source { log.sources.append(source) }
            side = v.resolve(items: log.items)
        }
        let users = try KuaiUserFeatures.read(dir: s.input, file: KuaiUserFeatures.kuaiRandFile, columns: userColumns,
                                              explicit: s.userFeatureFields != nil, log: &log, guard: &g)
        return try DatasetPreparer.finish(
            log, side, users: users, guard: g, settings: s, summary: summary,
            description: .init(sourceFormat: "kuairand", labelColumn: labelColumn,
                               eventOrder: "by (user, time_ms, file order); file order = \(KuaiRandFormat.logFiles.joined(separator: ", ")) then line"))
    }
}
