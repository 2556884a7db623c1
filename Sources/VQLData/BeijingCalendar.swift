/// Unix milliseconds ↔ KuaiRand's `date` (YYYYMMDD) and `hourmin` (HHMM cut to the hour),
/// both in Beijing time (UTC+8, no daylight saving). Pure integer arithmetic (H. Hinnant's
/// days-from-civil algorithms), no Foundation calendars.
public enum BeijingCalendar {
    public static let offsetMs: Int64 = 8 * 3_600_000

    /// (YYYYMMDD, HH00) of `timeMs` in Beijing time.
    public static func dateAndHour(_ timeMs: Int64) -> (date: Int64, hourmin: Int64) {
        let local = timeMs + offsetMs
        let day = floorDiv(local, 86_400_000)
        let msOfDay = local - day * 86_400_000
        let (y, m, d) = civil(fromDays: day)
        return (y * 10000 + m * 100 + d, (msOfDay / 3_600_000) * 100)
    }

    /// Unix ms of 00:00 Beijing time on the given day.
    public static func midnightMs(year: Int64, month: Int64, day: Int64) -> Int64 {
        days(fromCivil: year, month, day) * 86_400_000 - offsetMs
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : -((-a + b - 1) / b) }

    static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = floorDiv(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    static func days(fromCivil y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = floorDiv(y, 400)
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
