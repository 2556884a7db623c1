import Foundation

/// Reasons a row or file is left out under `BadRowPolicy.skip` (the summary's keys).
public enum DropReason {
    public static let brokenQuotes = "broken quotes"
    public static let wrongColumnCount = "wrong column count"
    public static let notNumeric = "non-numeric or malformed field"
    public static let badLabel = "label out of range"
    public static let noTimestamp = "no usable timestamp"
    public static let emptyFile = "empty file"
    public static let missingFile = "missing file"
    public static let wrongHeader = "header does not match the format"
    public static let unknownItem = "feature row of an item not in the log"
}

/// Row-level checks shared by the format readers: each returns nil (skip) or throws
/// (strict) through the `RowGuard`, with a `file:line: expected …` error.
extension CSVReader {
    /// The record is usable: no quoting problem and exactly `columns` fields.
    @inline(__always)
    func check(columns: Int, _ g: inout RowGuard) throws -> Bool {
        if let p = problem { try g.reject(DropReason.brokenQuotes, p); return false }
        if fieldCount != columns {
            try g.reject(DropReason.wrongColumnCount, error("expected \(columns) columns, found \(fieldCount)"))
            return false
        }
        return true
    }

    /// Rejects an all-integer record from `nextIntegers` (`n` ≥ 0 fields in `values`) that
    /// the caller's fast path refused: a wrong field count, or an empty `required` column,
    /// with the general path's messages.
    func rejectIntegerRecord(_ n: Int, _ values: UnsafePointer<Int64>, columns: [String], required: [Int],
                             _ g: inout RowGuard) throws {
        if n != columns.count {
            try g.reject(DropReason.wrongColumnCount, error("expected \(columns.count) columns, found \(n)"))
        } else {
            let c = required.first { values[$0] == CSVReader.emptyField }!
            try g.reject(DropReason.notNumeric, error("column \(columns[c]): expected an integer, found \"\""))
        }
    }

    /// Field `i` as an integer; nil (row skipped) when it is not one.
    @inline(__always)
    func int(_ i: Int, _ column: String, _ g: inout RowGuard) throws -> Int64? {
        if let v = withField(i, ByteNumber.parseInt64) { return v }
        try g.reject(DropReason.notNumeric, error("column \(column): expected an integer, found \"\(string(i))\""))
        return nil
    }

    /// Field `i` as an integer or empty (`.some(nil)`); nil (row skipped) when neither.
    @inline(__always)
    func optionalInt(_ i: Int, _ column: String, _ g: inout RowGuard) throws -> Int64?? {
        if withField(i, { $0.isEmpty }) { return .some(nil) }
        if let v = withField(i, ByteNumber.parseInt64) { return .some(v) }
        try g.reject(DropReason.notNumeric, error("column \(column): expected an integer or nothing, found \"\(string(i))\""))
        return nil
    }

    /// Field `i` as a finite decimal number (`1.5`, `-2`, `3e-4`); nil (row skipped) otherwise.
    func number(_ i: Int, _ column: String, _ g: inout RowGuard) throws -> Double? {
        if let v = withField(i, ByteNumber.parseDouble), v.isFinite { return v }
        try g.reject(DropReason.notNumeric, error("column \(column): expected a number, found \"\(string(i))\""))
        return nil
    }
}

/// Opening a source file under a policy: a missing file, an empty file, or a header that
/// does not match is an error (strict), or is counted and the file skipped (skip).
enum SourceFile {
    static func join(_ dir: String, _ name: String) -> String { (dir as NSString).appendingPathComponent(name) }

    /// Opens `dir/name` and reads its header; returns nil when the file is skipped. When
    /// `columns` is given the header must equal it (a UTF-8 BOM is tolerated).
    static func open(_ dir: String, _ name: String, columns: [String]?, _ g: inout RowGuard,
                     separator: UInt8 = 0x2C, quoting: Bool = true, hashing: Bool = true) throws -> (CSVReader, [String])? {
        let path = join(dir, name)
        guard FileManager.default.fileExists(atPath: path) else {
            try g.reject(DropReason.missingFile, DataError(file: name, "file not found in \(dir)"))
            return nil
        }
        let r = try CSVReader(path: path, hashing: hashing, separator: separator, quoting: quoting,
                              recoverQuotes: g.policy == .skip)
        let expected = columns.map { "the header line \"\($0.joined(separator: separator == 0x09 ? "\\t" : ","))\"" } ?? "a header line"
        guard try r.next() else {
            try g.reject(DropReason.emptyFile, DataError(file: name, line: 1, "empty file: expected \(expected)"))
            return nil
        }
        var found = r.strings
        if let first = found.first, first.hasPrefix("\u{FEFF}") { found[0] = String(first.dropFirst()) }
        if let columns, found != columns {
            try g.reject(DropReason.wrongHeader, r.error("expected \(expected), found \"\(found.joined(separator: separator == 0x09 ? "\\t" : ","))\""))
            return nil
        }
        return (r, found)
    }

    /// The manifest entry of a fully read source.
    static func record(_ r: CSVReader) -> DatasetManifest.SourceFile {
        .init(name: r.fileName, bytes: Int64(r.bytesRead), checksum: r.hashed.map(DatasetManifest.SourceFile.checksum) ?? "")
    }
}
