import Foundation

/// When a check-in's own cadence comes up: calendar expressions, or seeded random moments in a
/// daily window. Jitter is seeded too, so every answer here is reproducible.
public struct CadenceTimes: Sendable {
    public let clock: ZoneClock
    /// Base of every seeded choice: the config's `seed`, else a hash of its path.
    public let seedBase: UInt64

    public init(clock: ZoneClock, seedBase: UInt64) {
        self.clock = clock
        self.seedBase = seedBase
    }

    public static func seedBase(for config: GentleConfig) -> UInt64 {
        config.seed ?? StableHash.fnv1a(config.sourcePath)
    }

    /// First scheduled time strictly after `date`, or nil if the cadence never comes up again.
    public func next(after date: Date, cadence: Cadence, checkin: String) -> Date? {
        switch cadence {
        case .calendar(let specs):
            var best: Date?
            for spec in specs {
                guard let t = spec.nextElapse(after: date, defaultTimeZone: clock.zone) else { continue }
                if best.map({ t < $0 }) ?? true { best = t }
            }
            return best
        case .window(let window):
            return nextInWindow(after: date, window: window, seedParts: [checkin])
        }
    }

    /// The latest scheduled time in `(after, notAfter]`, looking back at most `lookback` from
    /// `notAfter`; nil when there is none. Used after a suspend or outage: only the latest missed
    /// occurrence matters, earlier ones are superseded.
    public func latest(after start: Date, notAfter end: Date, lookback: TimeInterval, cadence: Cadence,
                       checkin: String) -> Date? {
        var t = max(start, end.addingTimeInterval(-lookback))
        var found: Date?
        // Bounded: a minutely cadence over the longest lookback is a few thousand steps.
        for _ in 0..<20_000 {
            guard let n = next(after: t, cadence: cadence, checkin: checkin), n <= end else { break }
            found = n
            t = n
        }
        return found
    }

    /// Random moments in a daily window on one local day, sorted. The window is cut into
    /// `timesPerDay` equal slots with one moment in each, so they never bunch up.
    public func windowTimes(day: Int64, window: RandomWindow, seedParts: [String]) -> [Date] {
        guard window.days.contains(isoWeekday: clock.isoWeekday(day: day)), window.timesPerDay > 0 else { return [] }
        var rng = SeededRandom(base: seedBase, seedParts + [clock.dayString(day)])
        let start = window.between.start.minuteOfDay * 60
        let length = window.between.lengthInMinutes * 60
        let slot = length / window.timesPerDay
        var times: [Date] = []
        for i in 0..<window.timesPerDay {
            // Whole minutes: people read these times; seconds would look odd.
            let offset = (i * slot + rng.below(max(slot, 1))) / 60 * 60
            times.append(clock.date(day: day, secondOfDay: start + offset))
        }
        return times.sorted()
    }

    func nextInWindow(after date: Date, window: RandomWindow, seedParts: [String]) -> Date? {
        guard !window.days.isEmpty else { return nil }
        let today = clock.localDay(date)
        // Start a day early: a window that crosses midnight belongs to the day it starts on.
        for day in (today - 1)...(today + 8) {
            if let t = windowTimes(day: day, window: window, seedParts: seedParts).first(where: { $0 > date }) {
                return t
            }
        }
        return nil
    }

    /// Seeded delay in `0...jitter` for one occurrence, whole seconds.
    public func jitter(_ jitter: GentleDuration?, checkin: String, scheduled: Date) -> TimeInterval {
        guard let jitter, jitter.seconds > 0 else { return 0 }
        var rng = SeededRandom(base: seedBase, ["jitter", checkin, String(Int64(scheduled.timeIntervalSince1970))])
        return TimeInterval(rng.below(Int(jitter.seconds) + 1))
    }
}
