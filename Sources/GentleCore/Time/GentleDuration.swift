/// A span of time written the way people write it in the config: `"45m"`, `"2h"`, `"1d"`,
/// `"1h30m"`, `"90s"`, `"1w"`. Stored as whole seconds; never negative.
public struct GentleDuration: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var seconds: Int64

    public init(seconds: Int64) {
        self.seconds = max(0, seconds)
    }

    public static func minutes(_ m: Int64) -> GentleDuration { GentleDuration(seconds: m * 60) }
    public static func hours(_ h: Int64) -> GentleDuration { GentleDuration(seconds: h * 3600) }
    public static func days(_ d: Int64) -> GentleDuration { GentleDuration(seconds: d * 86_400) }
    public static let zero = GentleDuration(seconds: 0)

    public var timeInterval: Double { Double(seconds) }

    public static func < (lhs: GentleDuration, rhs: GentleDuration) -> Bool { lhs.seconds < rhs.seconds }

    private static let units: [(suffix: String, seconds: Int64)] = [
        ("w", 604_800), ("d", 86_400), ("h", 3600), ("m", 60), ("s", 1),
    ]

    /// Parses `"45m"`, `"2h"`, `"1h30m"`, `"1d"`, `"1w"`, `"90s"`, also with spaces (`"1h 30m"`)
    /// and long unit names (`"30min"`, `"2 hours"`). Returns nil for anything else, including a
    /// bare number: a duration without a unit is ambiguous.
    public init?(parsing text: String) {
        var total: Int64 = 0
        var sawComponent = false
        var rest = Substring(text.trimmingCharactersInSpaces())
        while !rest.isEmpty {
            let digits = rest.prefix(while: { $0.isASCII && $0.isNumber })
            guard !digits.isEmpty, let value = Int64(digits), value <= 1_000_000 else { return nil }
            rest = rest.dropFirst(digits.count).drop(while: { $0 == " " })
            let unitText = rest.prefix(while: { $0.isASCII && $0.isLetter })
            guard let unit = GentleDuration.unitSeconds(String(unitText).lowercased()) else { return nil }
            rest = rest.dropFirst(unitText.count).drop(while: { $0 == " " })
            total += value * unit
            sawComponent = true
        }
        guard sawComponent else { return nil }
        self.init(seconds: total)
    }

    private static func unitSeconds(_ unit: String) -> Int64? {
        switch unit {
        case "s", "sec", "secs", "second", "seconds": return 1
        case "m", "min", "mins", "minute", "minutes": return 60
        case "h", "hr", "hrs", "hour", "hours": return 3600
        case "d", "day", "days": return 86_400
        case "w", "week", "weeks": return 604_800
        default: return nil
        }
    }

    /// Compact form that parses back to the same value: `1h30m`, `45m`, `2d`, `0s`.
    public var description: String {
        if seconds == 0 { return "0s" }
        var rest = seconds
        var out = ""
        for (suffix, size) in GentleDuration.units where rest >= size {
            out += "\(rest / size)\(suffix)"
            rest %= size
        }
        return out
    }

    /// Words for people: "2h 5m", "45m", "30s", "3d 2h". At most two units, rounded down.
    public var inWords: String {
        if seconds < 60 { return "\(seconds)s" }
        var parts: [String] = []
        var rest = seconds
        for (suffix, size) in GentleDuration.units where size >= 60 && rest >= size {
            parts.append("\(rest / size)\(suffix)")
            rest %= size
            if parts.count == 2 { break }
        }
        return parts.joined(separator: " ")
    }
}

extension String {
    func trimmingCharactersInSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}
