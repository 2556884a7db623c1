import Foundation
import Testing
@testable import VQLData

/// Reads every record of `text` with the given block size: [(line, fields)].
private func records(_ text: String, blockSize: Int) throws -> [(Int, [String])] {
    let dir = TempDir()
    defer { dir.cleanup() }
    dir.write("t.csv", text)
    let r = try CSVReader(path: dir.file("t.csv"), blockSize: blockSize)
    var out: [(Int, [String])] = []
    while try r.next() { out.append((r.line, r.strings)) }
    return out
}

@Test func csvQuotingLineEndsAndBlankLines() throws {
    let text = "a,b,c\r\n\"x,y\",\"say \"\"hi\"\"\",\r\n\r\n\"multi\nline\",2,3\n4,,\"\"\n5,6,7"
    for block in [16, 1 << 20] {  // 16 = records and quotes straddle block boundaries
        let got = try records(text, blockSize: block)
        #expect(got.map(\.1) == [["a", "b", "c"], ["x,y", "say \"hi\"", ""], ["multi\nline", "2", "3"],
                                 ["4", "", ""], ["5", "6", "7"]], "block \(block)")
        #expect(got.map(\.0) == [1, 2, 4, 6, 7], "block \(block)")
    }
}

@Test func csvBrokenQuotesAreErrorsWithLine() throws {
    let cases: [(String, Int, String)] = [
        ("a,b\n1,\"2\"x\n", 2, "after the closing quote"),
        ("a,b\n1,2\n3,x\"y\n", 3, "inside an unquoted field"),
        ("a,b\n\n1,\"open\n", 3, "unterminated"),
    ]
    for (text, line, phrase) in cases {
        do {
            _ = try records(text, blockSize: 1 << 20)
            Issue.record("expected an error for \(text.debugDescription)")
        } catch let e as DataError {
            #expect(e.line == line)
            #expect(e.description.hasPrefix("t.csv:\(line): "))
            #expect(e.message.contains(phrase), "\(e)")
        }
    }
}

@Test func csvHashesWhatItReads() throws {
    let dir = TempDir()
    defer { dir.cleanup() }
    dir.write("abc.csv", "abc")
    let r = try CSVReader(path: dir.file("abc.csv"), hashing: true, blockSize: 2)
    while try r.next() {}
    #expect(r.hashed?.hexDigest() == "44bc2cf5ad770999")  // xxhsum's XXH64 of "abc"
    #expect(r.bytesRead == 3)
}

@Test func byteNumbersParseStrictly() {
    func p(_ s: String) -> Int64? { Array(s.utf8).withUnsafeBufferPointer(ByteNumber.parseInt64) }
    #expect(p("0") == 0)
    #expect(p("-17") == -17)
    #expect(p("+8") == 8)
    #expect(p("1649347200000") == 1_649_347_200_000)
    #expect(p("9223372036854775807") == Int64.max)
    #expect(p("-9223372036854775808") == Int64.min)
    for bad in ["", "-", "1.5", "12a", " 1", "9223372036854775808", "NaN"] { #expect(p(bad) == nil, "\(bad)") }
    var out: [Int64] = []
    func list(_ s: String) -> [Int64]? {
        Array(s.utf8).withUnsafeBufferPointer { ByteNumber.parseIntList($0, into: &out) } ? out : nil
    }
    #expect(list("12,65") == [12, 65])
    #expect(list(" 3 , 4 ") == [3, 4])
    #expect(list("") == [])
    #expect(list("7") == [7])
    #expect(list("1,,2") == nil)
    #expect(list("1,x") == nil)
    func dec(_ s: String) -> Double? { Array(s.utf8).withUnsafeBufferPointer(ByteNumber.parseDecimal) }
    #expect(dec("51990.0") == 51990)
    #expect(dec(".5") == 0.5)
    #expect(dec("-1.25") == -1.25)
    #expect(dec("7") == 7)
    for bad in ["", ".", "1.2.3", "1e3", "12ms", "-"] { #expect(dec(bad) == nil, "\(bad)") }
    #expect(KuaiRandFormat.durationBucket(ms: .nan) == 0)
    #expect(KuaiRandFormat.durationBucket(ms: 6999) == 1)
    #expect(KuaiRandFormat.durationBucket(ms: 7000) == 2)
    #expect(KuaiRandFormat.durationBucket(ms: 299_999) == 6)
    #expect(KuaiRandFormat.durationBucket(ms: 300_000) == 7)
}

@Test func beijingCalendarMatchesFoundation() {
    var cal = Calendar(identifier: .gregorian)
    cal.timeZone = TimeZone(secondsFromGMT: 8 * 3600)!
    var ms: Int64 = 1_649_347_200_000 - 5 * 3_600_000
    for _ in 0..<400 {
        let d = cal.dateComponents([.year, .month, .day, .hour], from: Date(timeIntervalSince1970: Double(ms) / 1000))
        let (date, hourmin) = BeijingCalendar.dateAndHour(ms)
        #expect(date == Int64(d.year! * 10000 + d.month! * 100 + d.day!))
        #expect(hourmin == Int64(d.hour! * 100))
        ms += 2_345_678
    }
    #expect(BeijingCalendar.midnightMs(year: 2022, month: 4, day: 8) == 1_649_347_200_000)
}

@Test func integerFastPathsAgreeWithTheGeneralReader() throws {
    let dir = TempDir()
    defer { dir.cleanup() }
    var rng = SystemRandomNumberGenerator()
    var text = ""
    for r in 0..<400 {
        let fields = (0..<5).map { k -> String in
            switch Int.random(in: 0..<12, using: &rng) {
            case 0: return ""
            case 1: return "-\(Int.random(in: 0..<1000, using: &rng))"
            case 2: return "x\(k)"
            case 3: return "\"\(k)\""
            case 4: return String(Int64.random(in: 0...Int64.max, using: &rng))  // 19 digits: general path
            default:
                let digits = Int.random(in: 1...18, using: &rng)
                return String(repeating: "0", count: Int.random(in: 0...1, using: &rng))
                    + String(Int64.random(in: 0..<Int64(pow(10, Double(digits))), using: &rng))
            }
        }
        text += fields.joined(separator: ",") + (r % 7 == 0 ? "\r\n" : "\n") + (r % 11 == 0 ? "\n" : "")
    }
    dir.write("i.csv", text)
    for block in [16, 37, 1 << 20] {
        let general = try CSVReader(path: dir.file("i.csv"), blockSize: block)
        let all = try CSVReader(path: dir.file("i.csv"), blockSize: block)
        let some = try CSVReader(path: dir.file("i.csv"), blockSize: block)
        let b = UnsafeMutablePointer<Int64>.allocate(capacity: 8), c = UnsafeMutablePointer<Int64>.allocate(capacity: 8)
        defer { b.deallocate(); c.deallocate() }
        while try general.next() {
            let expected: [Int64?] = general.strings.map { $0.isEmpty ? CSVReader.emptyField : Int64($0) }
            let n2 = try #require(try all.nextIntegers(b, capacity: 8, wanted: 0b11111))
            #expect(all.line == general.line)
            // Signs and 19 digits go to the general reader, whose fields then apply.
            if n2 >= 0 {
                #expect((0..<n2).map { b[$0] } == expected.map { $0! }, "\(general.strings) block \(block)")
                #expect(general.strings.allSatisfy { !$0.hasPrefix("-") && $0.count <= 18 })
            } else {
                #expect(all.strings == general.strings)
            }
            // Only columns 0, 2 and 4 parsed; the others keep what they held (-7).
            for k in 0..<8 { c[k] = -7 }
            let n3 = try #require(try some.nextIntegers(c, capacity: 8, wanted: 0b10101))
            if n3 >= 0 {
                #expect((0..<n3).map { c[$0] } == expected.enumerated().map { $0 % 2 == 0 ? $1! : -7 })
            }
        }
        #expect(try all.nextIntegers(b, capacity: 8, wanted: 1) == nil)
    }
}

@Test func byteClassesAreExactForEveryByteAtEveryPosition() {
    for v in 0...255 {
        for position in 0..<8 {
            // The byte under test between neighbours that provoke carries and borrows.
            for fill: UInt64 in [0x00, 0x2F, 0x30, 0x39, 0x3A, 0x7F, 0x80, 0xFF] {
                var x = fill &* ByteClasses.ones
                x &= ~(0xFF << UInt64(8 * position))
                x |= UInt64(v) << UInt64(8 * position)
                let bit = UInt64(0x80) << UInt64(8 * position)
                let isDigit = (0x30...0x39).contains(v)
                #expect((ByteClasses.digitFlags(x) & bit != 0) == isDigit)
                #expect((ByteClasses.equal(x, 0x2C * ByteClasses.ones) & bit != 0) == (v == 0x2C))
                #expect((ByteClasses.equal(x, ByteClasses.newlines) & bit != 0) == (v == 0x0A))
                #expect(ByteClasses.digitFlags(x) & ~ByteClasses.high == 0)
            }
        }
    }
}

@Test func eightDigitStepsParseEveryLength() {
    var rng = SystemRandomNumberGenerator()
    for count in 1...18 {
        for _ in 0..<200 {
            let text = (0..<count).map { _ in String(Int.random(in: 0...9, using: &rng)) }.joined()
            var bytes = Array(text.utf8) + Array(",9,x\n1234567".utf8)  // bytes after the digits
            let value = bytes.withUnsafeMutableBufferPointer { ByteClasses.digits($0.baseAddress!, count: count) }
            #expect(value == Int64(text)!, "\(text)")
        }
    }
}

@Test func byteMasksClassifyEveryByteAtEveryPosition() {
    let window = UnsafeMutableRawPointer.allocate(byteCount: 64, alignment: 1)
    defer { window.deallocate() }
    for separator: UInt8 in [0x2C, 0x09] {
        for v in 0...255 {
            for fill: UInt8 in [0x00, 0x2F, 0x30, 0x39, 0x3A, 0x80, 0xFF, separator] {
                window.initializeMemory(as: UInt8.self, repeating: fill, count: 64)
                for position in stride(from: v % 3, to: 64, by: 3) { window.storeBytes(of: UInt8(v), toByteOffset: position, as: UInt8.self) }
                var expected = (separators: UInt64(0), newlines: UInt64(0), others: UInt64(0))
                for i in 0..<64 {
                    let c = window.load(fromByteOffset: i, as: UInt8.self)
                    if c == separator { expected.separators |= 1 << UInt64(i) }
                    else if c == 0x0A { expected.newlines |= 1 << UInt64(i) }
                    else if !(0x30...0x39).contains(c) { expected.others |= 1 << UInt64(i) }
                }
                for masks in [ByteMasks(window, separator: separator), ByteMasks(portable: window, separator: separator)] {
                    #expect(masks.separators == expected.separators && masks.newlines == expected.newlines && masks.others == expected.others,
                            "byte \(v) among \(fill), separator \(separator)")
                }
            }
        }
    }
}

/// Records with many fields: a 64-byte window then holds more than the 8 ends stored
/// unconditionally, and records past 63 fields must go to the general reader.
@Test func integerFastPathHandlesWideRecords() throws {
    let dir = TempDir()
    defer { dir.cleanup() }
    var rng = SystemRandomNumberGenerator()
    var rows: [[String]] = []
    for _ in 0..<300 {
        var row = (0..<Int.random(in: 1...80, using: &rng)).map { _ in
            Int.random(in: 0..<4, using: &rng) == 0 ? "" : String(Int.random(in: 0..<(Int.random(in: 0...1, using: &rng) == 0 ? 10 : 100_000), using: &rng))
        }
        if row == [""] { row = ["7"] }  // an empty line is blank, not a record
        rows.append(row)
    }
    dir.write("w.csv", rows.map { $0.joined(separator: ",") + "\n" }.joined())
    for block in [64, 100, 1 << 20] {
        let r = try CSVReader(path: dir.file("w.csv"), blockSize: block)
        let out = UnsafeMutablePointer<Int64>.allocate(capacity: 64)
        defer { out.deallocate() }
        for (k, row) in rows.enumerated() {
            let n = try #require(try r.nextIntegers(out, capacity: 63, wanted: ~0))
            if n >= 0 {
                #expect(row.count <= 63 && n == row.count, "row \(k), block \(block)")
                #expect((0..<n).map { out[$0] } == row.map { $0.isEmpty ? CSVReader.emptyField : Int64($0)! }, "row \(k), block \(block)")
            } else {
                #expect(r.strings == row, "row \(k), block \(block)")
            }
        }
        #expect(try r.nextIntegers(out, capacity: 63, wanted: 1) == nil)
    }
}
