import Foundation

/// A set of weekdays written as systemd writes them: `"Mon..Fri"`, `"Sat,Sun"`,
/// `"Mon,Wed..Fri"`, full names (`"Monday"`) too. Numbered ISO-style: Monday 1 … Sunday 7.
public struct WeekdaySet: Hashable, Sendable, CustomStringConvertible {
    /// Bit `n-1` set for ISO weekday n.
    public private(set) var mask: UInt8

    public static let all = WeekdaySet(mask: 0x7F)

    public init(mask: UInt8) { self.mask = mask & 0x7F }

    public init(isoWeekdays: [Int]) {
        var m: UInt8 = 0
        for d in isoWeekdays where (1...7).contains(d) { m |= 1 << UInt8(d - 1) }
        self.init(mask: m)
    }

    private static let short = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    private static let long = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

    static func isoWeekday(named name: String) -> Int? {
        let lower = name.lowercased()
        if let i = long.firstIndex(of: lower) { return i + 1 }
        if let i = short.firstIndex(where: { $0.lowercased() == lower }) { return i + 1 }
        return nil
    }

    /// Returns nil when any part is not a weekday name or a range runs backwards.
    public init?(parsing text: String) {
        var m: UInt8 = 0
        let items = text.split(separator: ",", omittingEmptySubsequences: false)
        guard !items.isEmpty else { return nil }
        for rawItem in items {
            let item = String(rawItem).trimmingCharactersInSpaces()
            let ends = item.components(separatedBy: "..")
            switch ends.count {
            case 1:
                guard let d = WeekdaySet.isoWeekday(named: ends[0]) else { return nil }
                m |= 1 << UInt8(d - 1)
            case 2:
                guard let a = WeekdaySet.isoWeekday(named: ends[0]),
                      let b = WeekdaySet.isoWeekday(named: ends[1]), a <= b else { return nil }
                for d in a...b { m |= 1 << UInt8(d - 1) }
            default:
                return nil
            }
        }
        self.init(mask: m)
    }

    public func contains(isoWeekday d: Int) -> Bool {
        (1...7).contains(d) && mask & (1 << UInt8(d - 1)) != 0
    }

    public var isEmpty: Bool { mask == 0 }

    /// Compact form, like systemd's normalized weekdays: `Mon..Fri`, `Sat,Sun`, `Mon,Wed..Fri`.
    public var description: String {
        var parts: [String] = []
        var d = 1
        while d <= 7 {
            guard contains(isoWeekday: d) else { d += 1; continue }
            var e = d
            while e + 1 <= 7 && contains(isoWeekday: e + 1) { e += 1 }
            switch e - d {
            case 0: parts.append(WeekdaySet.short[d - 1])
            case 1: parts.append(WeekdaySet.short[d - 1]); parts.append(WeekdaySet.short[e - 1])
            default: parts.append("\(WeekdaySet.short[d - 1])..\(WeekdaySet.short[e - 1])")
            }
            d = e + 1
        }
        return parts.joined(separator: ",")
    }
}
