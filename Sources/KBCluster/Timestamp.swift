import Foundation

/// RFC 3339 timestamps as Prometheus and Alertmanager write them (nanoseconds, any offset).
public enum Timestamp {
    public static func parse(_ s: String) -> Date? {
        // 2024-05-01T10:00:00.123456789+02:00 | …Z
        let m = s.wholeMatch(of: /(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})/)
        guard let m else { return nil }
        var c = DateComponents()
        c.year = Int(m.1); c.month = Int(m.2); c.day = Int(m.3)
        c.hour = Int(m.4); c.minute = Int(m.5); c.second = Int(m.6)
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC")!
        guard let base = cal.date(from: c) else { return nil }
        var t = base.timeIntervalSince1970 + (m.7.flatMap { Double("0" + $0) } ?? 0)
        let zone = String(m.8)
        if zone != "Z", zone != "z" {
            let sign: Double = zone.hasPrefix("-") ? -1 : 1
            let hm = zone.dropFirst().split(separator: ":").compactMap { Double($0) }
            t -= sign * (hm[0] * 3600 + hm[1] * 60)
        }
        return Date(timeIntervalSince1970: t)
    }

    /// `2024-05-01 10:00:00 UTC`.
    public static func format(_ d: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd HH:mm:ss 'UTC'"
        return f.string(from: d)
    }

    /// `3m 20s`, `2h 5m`, `4d 3h`.
    public static func age(_ seconds: Double) -> String {
        let s = max(0, Int(seconds))
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m \(s % 60)s" }
        if s < 86400 { return "\(s / 3600)h \(s % 3600 / 60)m" }
        return "\(s / 86400)d \(s % 86400 / 3600)h"
    }

    /// RFC 3339 in UTC, for JSON.
    public static func iso(_ d: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd'T'HH:mm:ss'Z'"
        return f.string(from: d)
    }
}
