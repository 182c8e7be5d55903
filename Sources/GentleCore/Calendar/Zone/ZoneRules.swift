/// The offset rules of one time zone, evaluated exactly as glibc's `localtime_r` evaluates them
/// (systemd computes calendar elapses through glibc, so this is what "correct" means here).
///
/// Built from a TZif file (`ZoneDirectory`), from a POSIX rule string such as
/// `CET-1CEST,M3.5.0,M10.5.0/3`, or as a fixed offset. Immutable and shareable.
public final class ZoneRules: Sendable, CustomStringConvertible {
    struct LocalType: Sendable, Equatable {
        var offset: Int
        var isDST: Bool
        var abbreviation: Int
    }

    /// The name it was loaded under (`Europe/Berlin`, `UTC`, a rule string, a path).
    public let name: String
    /// glibc's `tzname[0]` / `tzname[1]` right after `tzset()`: what a calendar expression may
    /// end with to mean "local standard / daylight time".
    public let standardAbbreviation: String
    public let daylightAbbreviation: String

    let abbreviations: [String]
    /// Every change of local time type, in order: the file's transitions, then the POSIX
    /// footer's changes worked out for the years up to `ZoneRules.lastTabulatedYear`.
    let changeTimes: [Int]
    let changeTypes: [LocalType]
    /// In force before `changeTimes[0]` (glibc: the first standard-time type of the file).
    let typeBeforeChanges: LocalType
    /// Rules for times past the table (and, for a rule-string zone, before it).
    let footer: PosixTimeZone?
    let footerAbbreviations: (standard: Int, daylight: Int)
    let footerBeforeChanges: Bool
    /// Wall-clock stretches `[start, end)` that name no instant (a gap) or two (a repeated
    /// hour), and empty ones where only the DST flag changes, in order.
    let ambiguousStarts: [Int]
    let ambiguousEnds: [Int]
    /// glibc's `timezone` (seconds west) and `daylight` right after `tzset()`.
    let initialSecondsWest: Int
    let initialDaylight: Bool
    /// `changeIndex[b]`: the first change at or after `bucketOrigin + b << bucketShift`, so a
    /// lookup only searches the changes of one bucket (about two).
    private let changeIndex: [Int]
    private let ambiguityIndex: [Int]
    static let bucketShift = 24
    static let bucketOrigin = Civil.days(year: firstTabulatedYear, month: 1, day: 1) * 86_400
    static let bucketCount = ((Civil.days(year: lastTabulatedYear + 1, month: 1, day: 1) * 86_400 - bucketOrigin) >> bucketShift) + 2
    /// Index in `changeTimes` from which the footer decides (glibc's "after the last
    /// transition of the file"), or nil when the file has no footer.
    let footerFromIndex: Int?

    static let firstTabulatedYear = 1900
    static let lastTabulatedYear = 2400

    public var description: String { name }

    init(name: String, tzif: TZifContents) {
        self.name = name
        var abbreviations: [String] = []
        func abbreviationIndex(_ text: String) -> Int {
            if let i = abbreviations.firstIndex(of: text) { return i }
            abbreviations.append(text)
            return abbreviations.count - 1
        }
        let types = tzif.types.map {
            LocalType(offset: $0.utcOffset, isDST: $0.isDST, abbreviation: abbreviationIndex(tzif.abbreviation(at: $0.abbreviationStart)))
        }
        let footer = tzif.footer.flatMap { PosixTimeZone(parsing: $0) }
        self.footer = footer
        let footerAbbreviations = footer.map { (abbreviationIndex($0.standardName), abbreviationIndex($0.daylightName)) } ?? (0, 0)
        self.footerAbbreviations = footerAbbreviations
        footerBeforeChanges = false
        typeBeforeChanges = types.first { !$0.isDST } ?? types[0]

        var times = tzif.transitions
        var changeTypes = tzif.transitionTypes.map { types[$0] }
        if let footer, let last = times.last {
            // glibc lets the footer decide from the last transition on.
            footerFromIndex = times.count - 1
            let tail = ZoneRules.footerChanges(footer, abbreviations: footerAbbreviations, after: last)
            changeTypes[changeTypes.count - 1] = tail.first
            times += tail.times
            changeTypes += tail.types
        } else {
            footerFromIndex = nil
        }
        changeTimes = times
        self.changeTypes = changeTypes

        // tzname as __tzfile_read leaves it: the newest standard and daylight abbreviations.
        var names: [String?] = [nil, nil]
        for i in stride(from: tzif.transitionTypes.count - 1, through: 0, by: -1) {
            let type = types[tzif.transitionTypes[i]]
            let slot = type.isDST ? 1 : 0
            if names[slot] == nil {
                names[slot] = abbreviations[type.abbreviation]
                if names[1 - slot] != nil { break }
            }
        }
        let standard = names[0] ?? tzif.abbreviation(at: 0)
        standardAbbreviation = standard
        daylightAbbreviation = names[1] ?? standard

        var secondsWest = 0
        var daylight = false
        if tzif.transitionTypes.isEmpty {
            secondsWest = -types[0].offset
        } else {
            var i = tzif.transitionTypes.count - 1
            while i >= 0 {
                let type = types[tzif.transitionTypes[i]]
                if !type.isDST { secondsWest = -type.offset; break }
                daylight = true
                i -= 1
            }
            i -= 1
            while i >= 0 && !daylight {
                daylight = types[tzif.transitionTypes[i]].isDST
                i -= 1
            }
        }
        initialSecondsWest = secondsWest
        initialDaylight = daylight
        self.abbreviations = abbreviations
        (ambiguousStarts, ambiguousEnds) = ZoneRules.ambiguities(times, changeTypes, before: typeBeforeChanges)
        changeIndex = ZoneRules.bucketIndex(times)
        ambiguityIndex = ZoneRules.bucketIndex(ambiguousEnds)
    }

    init(name: String, posix: PosixTimeZone) {
        self.name = name
        abbreviations = [posix.standardName, posix.daylightName]
        footer = posix
        footerAbbreviations = (0, 1)
        footerBeforeChanges = true
        footerFromIndex = 0
        let start = Civil.days(year: ZoneRules.firstTabulatedYear, month: 1, day: 1) * 86_400
        let table = ZoneRules.footerChanges(posix, abbreviations: (0, 1), after: start - 1)
        changeTimes = table.times
        changeTypes = table.types
        typeBeforeChanges = table.first
        standardAbbreviation = posix.standardName
        daylightAbbreviation = posix.daylightName
        initialSecondsWest = -posix.rules[0].offset
        initialDaylight = posix.hasDaylightTime
        (ambiguousStarts, ambiguousEnds) = ZoneRules.ambiguities(table.times, table.types, before: table.first)
        changeIndex = ZoneRules.bucketIndex(changeTimes)
        ambiguityIndex = ZoneRules.bucketIndex(ambiguousEnds)
    }

    /// A zone that is always `offset` seconds east of UTC.
    public convenience init(fixedOffset offset: Int, abbreviation: String, name: String? = nil) {
        self.init(name: name ?? abbreviation, posix: PosixTimeZone(fixedOffset: offset, name: abbreviation))
    }

    /// Coordinated Universal Time, as glibc's gmtime sees it.
    public static let utc = ZoneRules(fixedOffset: 0, abbreviation: "UTC", name: "UTC")

    func abbreviation(_ index: Int) -> String { index < abbreviations.count ? abbreviations[index] : "" }

    // MARK: - Lookups

    /// glibc `__tzfile_compute` / `__tz_compute`: the local time type in force at `seconds`.
    @inline(__always) func localType(at seconds: Int) -> LocalType {
        guard let first = changeTimes.first, seconds >= first else {
            if footerBeforeChanges, let footer { return footerType(footer, seconds) }
            return typeBeforeChanges
        }
        let lastIndex = changeTimes.count - 1
        if seconds >= changeTimes[lastIndex] {
            if footerFromIndex != nil, let footer { return footerType(footer, seconds) }
            return changeTypes[lastIndex]
        }
        return changeTypes[ZoneRules.upperBound(changeTimes, changeIndex, seconds, orEqual: true) - 1]
    }

    private func footerType(_ footer: PosixTimeZone, _ seconds: Int) -> LocalType {
        let dst = footer.isDaylight(atEpochSeconds: seconds)
        return LocalType(offset: footer.rules[dst ? 1 : 0].offset, isDST: dst,
                         abbreviation: dst ? footerAbbreviations.daylight : footerAbbreviations.standard)
    }

    /// `localtime_r`: wall-clock fields of `seconds` in this zone.
    @inline(__always) func breakDown(_ seconds: Int) -> BrokenDownTime {
        let type = localType(at: seconds)
        var tm = BrokenDownTime(epochSeconds: seconds, offset: type.offset)
        tm.isDST = type.isDST ? 1 : 0
        tm.abbreviation = type.abbreviation
        return tm
    }

    /// Index of the first gap or repeated hour that ends after wall-clock time `from`.
    @inline(__always) private func firstAmbiguity(endingAfter from: Int) -> Int {
        ZoneRules.upperBound(ambiguousEnds, ambiguityIndex, from, orEqual: true)
    }

    /// Whether a gap, repeated hour or DST-flag change touches wall-clock `[from, through]`.
    @inline(__always) func touchesAmbiguity(from: Int, through: Int) -> Bool {
        let i = firstAmbiguity(endingAfter: from - 1)
        return i < ambiguousStarts.count && ambiguousStarts[i] <= through
    }

    /// The gaps, repeated hours and DST-flag changes (wall-clock `[start, end)`, empty for the
    /// last) that touch `[from, through]`, at most `limit + 1` of them.
    func ambiguities(from: Int, through: Int, limit: Int) -> [(start: Int, end: Int)] {
        var lo = firstAmbiguity(endingAfter: from - 1)
        var found: [(start: Int, end: Int)] = []
        while lo < ambiguousStarts.count && ambiguousStarts[lo] <= through && found.count <= limit {
            found.append((ambiguousStarts[lo], ambiguousEnds[lo]))
            lo += 1
        }
        return found
    }

    /// The instant that shows `wall` on the clock, found by trying offsets starting from
    /// `guess`; nil when that does not settle (callers rule out gaps and repeats beforehand).
    func instant(ofWall wall: Int, guessingOffset guess: Int) -> Int? {
        var offset = guess
        for _ in 0..<4 {
            let t = wall - offset
            let actual = localType(at: t).offset
            if actual == offset { return t }
            offset = actual
        }
        return nil
    }

    /// glibc's `timezone == 0 && daylight == 0` as left by the last `localtime_r` call (on
    /// `lastConverted`, or none): systemd-analyze omits its "(in UTC)" lines when this holds.
    func looksLikeUTC(afterConverting lastConverted: Int?) -> Bool {
        if footerBeforeChanges, let footer { return footer.rules[0].offset == 0 && !footer.hasDaylightTime }
        if let t = lastConverted, let index = footerFromIndex, t >= changeTimes[index], let footer {
            return footer.rules[0].offset == 0 && !footer.hasDaylightTime
        }
        return initialSecondsWest == 0 && !initialDaylight
    }
}
