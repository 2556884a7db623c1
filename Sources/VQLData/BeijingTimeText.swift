/// Beijing-time text → Unix milliseconds, for KuaiRec's `time` column
/// (`"2020-07-05 00:08:23.438"`), which places an event when its `timestamp` is missing.
extension BeijingCalendar {
    /// Unix ms of `"YYYY-MM-DD HH:MM:SS"` with an optional fraction of a second (`.4`,
    /// `.438`, `.438123`: any number of digits, rounded to the nearest millisecond, half
    /// up), read as Beijing time (UTC+8). nil when the text is anything else or names a day
    /// or time that does not exist (month 13, April 31, 24:00:00). No allocation.
    public static func parseMs(_ b: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard b.count >= 19, b[4] == 0x2D, b[7] == 0x2D, b[10] == 0x20, b[13] == 0x3A, b[16] == 0x3A else { return nil }
        func number(_ at: Int, _ width: Int) -> Int64? {
            var v: Int64 = 0
            for k in at..<(at + width) {
                let d = Int64(b[k]) &- 48
                guard d >= 0 && d <= 9 else { return nil }
                v = v * 10 + d
            }
            return v
        }
        guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
              let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2),
              (1...12).contains(month), day >= 1, hour <= 23, minute <= 59, second <= 59 else { return nil }
        let days = days(fromCivil: year, month, day)
        // A day past the month's end (April 31) comes back from the round trip as another date.
        guard civil(fromDays: days) == (year, month, day) else { return nil }
        var fractionMs: Int64 = 0
        if b.count > 19 {
            guard b[19] == 0x2E, b.count > 20 else { return nil }
            var scale: Int64 = 100
            for k in 20..<b.count {
                let d = Int64(b[k]) &- 48
                guard d >= 0 && d <= 9 else { return nil }
                if k < 23 {
                    fractionMs += d * scale
                    scale /= 10
                } else if k == 23 && d >= 5 {
                    fractionMs += 1  // may reach 1000: the sum below carries it into the second
                }
            }
        }
        return (days * 86_400 + hour * 3600 + minute * 60 + second) * 1000 + fractionMs - offsetMs
    }
}
