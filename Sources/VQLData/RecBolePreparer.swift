import Foundation

/// `vql prepare --format recbole`: RecBole atomic files `NAME.inter` (+ optional `NAME.item`)
/// → a prepared dataset.
///
/// Tab-separated only, no quoting (a `token` may hold spaces, commas and quotes); the first
/// line is a typed header `field:type` with types `token`, `token_seq`, `float`,
/// `float_seq`. Users and items are tokens (numbered by numeric value when all numeric,
/// else by byte order, tokens kept in `*_tokens.txt`). Label: `label ≥ threshold` for a
/// float field (default `rating ≥ 4`). Time: `time_field` (float Unix seconds → ms).
/// Item side (`NAME.item`, first row of an item wins): `tag_fields` become tags (a
/// `token_seq` is split on spaces, a `token` only when listed in `split_fields`; with
/// several tag fields a tag is `field=value`), `feature_fields` become categorical features.
/// User side (`NAME.user`, when present): `RecBoleUserFeatures`.
public enum RecBolePreparer {
    struct Header {
        var names: [String] = []
        var types: [String] = []
        func index(_ name: String) -> Int? { names.firstIndex(of: name) }
    }

    static let types = ["token", "token_seq", "float", "float_seq"]

    /// Parses `name:type` fields; a field without a known type is a header error.
    static func header(_ fields: [String], _ r: CSVReader) throws -> Header {
        var h = Header()
        for f in fields {
            guard let colon = f.lastIndex(of: ":"), types.contains(String(f[f.index(after: colon)...])) else {
                throw r.error("expected a typed header field name:type with type one of \(types.joined(separator: ", ")), found \"\(f)\"")
            }
            h.names.append(String(f[..<colon]))
            h.types.append(String(f[f.index(after: colon)...]))
        }
        return h
    }

    /// NAME of the single `.inter` file in `dir` when not configured.
    static func datasetName(_ s: PrepareSettings) throws -> String {
        if let n = s.recboleName { return n }
        let inters = ((try? FileManager.default.contentsOfDirectory(atPath: s.input)) ?? []).filter { $0.hasSuffix(".inter") }.sorted()
        guard inters.count == 1 else {
            throw DataError(file: s.input, inters.isEmpty ? "no .inter file found: expected NAME.inter" : "several .inter files (\(inters.joined(separator: ", "))): set prepare.recbole_name")
        }
        return String(inters[0].dropLast(".inter".count))
    }

    public static func prepare(_ s: PrepareSettings) throws -> (DatasetManifest, PrepareSummary) {
        try DatasetPreparer.checkOutput(s)
        let name = try datasetName(s)
        let interFile = name + ".inter", itemFile = name + ".item"
        guard FileManager.default.fileExists(atPath: SourceFile.join(s.input, interFile)) else {
            throw DataError(file: interFile, "file not found in \(s.input)")
        }
        var g = RowGuard(policy: s.badRows)
        var log = EventLog()
        var summary = PrepareSummary()
        let threshold = s.labelThreshold
        if let (r, fields) = try SourceFile.open(s.input, interFile, columns: nil, &g, separator: 0x09, quoting: false) {
            let h = try header(fields, r)
            func required(_ field: String, _ type: String) throws -> Int {
                guard let i = h.index(field) else {
                    throw r.error("expected a field \(field):\(type) in the header, found \(fields.joined(separator: " "))")
                }
                if h.types[i] != type { throw r.error("field \(field): expected type \(type), found \(h.types[i])") }
                return i
            }
            let ui = try required(s.userField, "token"), ii = try required(s.itemField, "token")
            let ti = try required(s.timeField, "float"), li = try required(s.labelColumn, "float")
            let floats = h.types.indices.filter { h.types[$0] == "float" }
            let progress = PrepareProgress()
            rowLoop: while try r.next() {
                summary.rowsRead += 1
                if summary.rowsRead & 0xFFFF == 0 { progress.report(file: interFile, rows: summary.rowsRead) }
                guard try r.check(columns: h.names.count, &g) else { continue }
                for f in floats where f != ti && f != li {
                    guard try r.optionalNumber(f, h.names[f], &g) != nil else { continue rowLoop }
                }
                guard let value = try r.number(li, s.labelColumn, &g),
                      let seconds = try r.optionalNumber(ti, s.timeField, &g) else { continue }
                guard let seconds, seconds.isFinite else {
                    g.dropped.add(DropReason.noTimestamp, example: r.error("\(s.timeField) \"\(r.string(ti))\": the event cannot be placed in time").description)
                    continue
                }
                let user = r.string(ui), item = r.string(ii)
                if user.isEmpty || item.isEmpty {
                    try g.reject(DropReason.notNumeric, r.error("expected non-empty \(s.userField) and \(s.itemField) tokens"))
                    continue
                }
                log.append(user: log.users.id(token: user), item: log.items.id(token: item),
                           time: Int64((seconds * 1000).rounded()), label: value >= threshold ? 1 : 0)
            }
            log.sources.append(SourceFile.record(r))
        }
        if log.count == 0 { throw DataError(file: interFile, "no events: expected at least one data line with a timestamp after the header") }
        var side = ItemSide()
        let wantsItems = !s.tagFields.isEmpty || !s.featureFields.isEmpty
        if wantsItems, let (r, fields) = try SourceFile.open(s.input, itemFile, columns: nil, &g, separator: 0x09, quoting: false) {
            let h = try header(fields, r)
            guard let ii = h.index(s.itemField) else { throw r.error("expected a field \(s.itemField):token in the header") }
            var tagColumns: [(Int, Bool)] = []
            for f in s.tagFields {
                guard let i = h.index(f), h.types[i].hasPrefix("token") else { throw r.error("tag field \(f): expected a token or token_seq field in the header") }
                tagColumns.append((i, h.types[i] == "token_seq" || s.splitFields.contains(f)))
            }
            var features: [(Int, FeatureColumn)] = []
            for f in s.featureFields {
                guard let i = h.index(f), h.types[i] == "token" else { throw r.error("feature field \(f): expected a token field in the header") }
                features.append((i, FeatureColumn(name: f, keepValues: true)))
            }
            let prefix = tagColumns.count > 1
            while try r.next() {
                guard try r.check(columns: h.names.count, &g) else { continue }
                guard let item = log.items.find(token: r.string(ii)), side.firstTagsOf(item) else { continue }
                for (c, split) in tagColumns {
                    let text = r.string(c)
                    let values = split ? text.split(separator: " ").map(String.init) : (text.isEmpty ? [] : [text])
                    for v in values {
                        side.tagItem.append(item)
                        side.tagValue.append(side.tags.id(token: prefix ? "\(h.names[c])=\(v)" : v))
                    }
                }
                for k in features.indices {
                    let v = r.string(features[k].0)
                    if !v.isEmpty { features[k].1.set(item: item, value: features[k].1.values.id(token: v)) }
                }
            }
            side.features = features.map(\.1)
            log.sources.append(SourceFile.record(r))
        }
        let users = try RecBoleUserFeatures.read(dir: s.input, name: name, settings: s, log: &log, guard: &g)
        return try DatasetPreparer.finish(
            log, side, users: users, guard: g, settings: s, summary: summary,
            description: .init(sourceFormat: "recbole", labelColumn: "\(s.labelColumn) >= \(threshold)",
                               eventOrder: "by (user, \(s.timeField), file order); file order = \(interFile) line order"))
    }
}
