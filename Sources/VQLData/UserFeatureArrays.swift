import Foundation

/// The user-feature part of `PreparedWriter`: each `UserSide` column as a dense i32 per
/// dense user (`user_feature_<name>.i32`), 0 = missing (no row, or an empty field), known
/// values 1... by ascending raw value (tokens: numeric order if all numeric, else byte
/// order) over the values of prepared users, the convention of item features
/// (`PreparedWriter.featureArray`). Listed in the manifest's `arrays` and `userFeatures`
/// and counted in the summary's `userFeatures`.
struct UserFeatureArrays {
    /// Raw values are kept in the manifest for vocabularies up to this size (a zip code
    /// column can come close to one value per user).
    static let maxKeptValues = 10_000

    let columns: [(meta: DatasetManifest.UserFeature, values: [Int32])]

    /// Builds the arrays for the dense users `users` (provisional → dense, -1 = not
    /// prepared) and records them in `manifest` and `summary`.
    init(_ side: UserSide, users: [Int32], userCount: Int, manifest: inout DatasetManifest, summary: inout PrepareSummary) {
        columns = side.features.map { f in
            var (meta, values) = PreparedWriter.featureArray(f, items: users, itemCount: userCount)
            meta.file = "user_feature_\(f.name).i32"
            if meta.vocabularySize > Self.maxKeptValues { meta.values = nil }
            return (meta, values)
        }
        manifest.userFeatures = columns.map(\.meta)
        manifest.arrays += columns.map { .init(name: $0.meta.file, elementType: "i32", count: Int64(userCount)) }
        guard var counts = side.summary else { return }
        if counts.none == nil {
            for (k, c) in columns.enumerated() { counts.columns[k].vocabularySize = c.meta.vocabularySize }
            var withRow = 0
            for (u, has) in side.hasRow.enumerated() where has {
                if u < users.count && users[u] >= 0 { withRow += 1 } else { counts.rowsOfFilteredUsers += 1 }
            }
            counts.usersWithFeatures = withRow
            counts.usersWithoutFeatures = userCount - withRow
        }
        summary.userFeatures = counts
    }

    /// (file name, values) of each array, for the writer's jobs.
    var files: [(String, [Int32])] { columns.map { ($0.meta.file, $0.values) } }
}
