import CLibc
import Foundation

/// `vql prepare`: dispatches on `PrepareSettings.format` and runs the shared tail (filters,
/// then `PreparedWriter`). Every format reader streams its files once.
public enum DatasetPreparer {
    public static func prepare(_ s: PrepareSettings) throws -> (DatasetManifest, PrepareSummary) {
        if s.input.isEmpty { throw DataError(file: "prepare.input", "expected the directory of the raw files") }
        if s.output.isEmpty { throw DataError(file: "data.path", "expected the prepared directory to create") }
        guard FileManager.default.fileExists(atPath: s.input) else {
            throw DataError(file: s.input, "input directory not found")
        }
        // Column buffers of a few MB are freed as soon as they are copied on; glibc would
        // raise its mmap threshold after the first such free and keep later ones in the
        // heap, so freed columns would still count in the resident set. A fixed threshold
        // keeps big buffers in their own mappings, returned to the system when freed.
        _ = vql_set_mmap_threshold(1 << 20)
        switch s.format {
        case .kuairand: return try KuaiRandPreparer.prepare(s)
        case .kuairec: return try KuaiRecPreparer.prepare(s)
        case .tmall: return try TmallPreparer.prepare(s)
        case .recbole: return try RecBolePreparer.prepare(s)
        }
    }

    /// Refuses an existing output unless `overwrite` (checked before any reading).
    static func checkOutput(_ s: PrepareSettings) throws {
        if FileManager.default.fileExists(atPath: s.output) && !s.overwrite {
            throw DataError(file: (s.output as NSString).lastPathComponent, "output directory already exists (pass --overwrite to replace it)")
        }
    }

    /// Filters, an optional step on the filtered log (tmall's sampled negatives), then the
    /// writer. `users` holds the user features, keyed like the log's users.
    static func finish(
        _ log: EventLog, _ side: ItemSide, users: UserSide = UserSide(), guard g: RowGuard, settings s: PrepareSettings,
        summary: PrepareSummary,
        description: PreparedWriter.Description, beforeWrite: ((inout EventLog) throws -> Int)? = nil
    ) throws -> (DatasetManifest, PrepareSummary) {
        var log = log
        var dropped = g.dropped
        EventFilters.apply(&log, s, dropped: &dropped)
        if log.count == 0 {
            throw DataError(file: s.input, "no events left after the filters (\(dropped.reasons.map { "\(dropped[$0]) \($0)" }.joined(separator: ", ")))")
        }
        var summary = summary
        if let beforeWrite { summary.sampledNegatives = try beforeWrite(&log) }
        summary.setDropped(dropped)
        return try PreparedWriter.write(log, side, users: users, description: description, settings: s, summary: summary)
    }
}
