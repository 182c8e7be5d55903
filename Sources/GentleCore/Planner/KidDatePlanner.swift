import Foundation

/// Turns `[[child]]`, `[[occasion]]` and `[kid_dates]` into kid-date suggestions: one per
/// occasion window (again nearer the day if asked), and, when `every` is set, an occasional
/// general one for the child whose last kid date is longest ago.
struct KidDatePlanner: Sendable {
    let config: GentleConfig
    let settings: KidDateSettings
    let times: CadenceTimes

    var clock: ZoneClock { times.clock }

    struct Occasion: Sendable {
        var key: String
        var name: String
        var child: String?
        var day: Int64
        var firstDay: Int64
        var lastDay: Int64
    }

    /// Occasion instances whose window has not ended before `today`: configured occasions and
    /// birthdays, yearly ones resolved to this year's or next year's date.
    func occasions(today: Int64) -> [Occasion] {
        var items: [(name: String, date: DayOfYearOrDate, child: String?, window: DayWindow)] =
            config.occasions.map { ($0.name, $0.date, $0.child, $0.window) }
        for child in config.children {
            if let birthday = child.birthday {
                items.append(("\(child.name)'s birthday", birthday, child.name, settings.birthdayWindow))
            }
        }
        var result: [Occasion] = []
        for item in items {
            let year = CivilDate.fromDays(today).year
            let candidates: [Int64]
            switch item.date {
            case let .once(y, m, d): candidates = [CivilDate.toDays(y, m, d)]
            case let .yearly(m, d): candidates = [year - 1, year, year + 1].map { Self.day(year: $0, month: m, day: d) }
            }
            for day in candidates where day + Int64(item.window.daysAfter) >= today {
                result.append(Occasion(
                    key: "\(item.name)@\(clock.dayString(day))", name: item.name, child: item.child, day: day,
                    firstDay: day - Int64(item.window.daysBefore), lastDay: day + Int64(item.window.daysAfter)))
                break
            }
        }
        return result
    }

    /// February 29 falls on February 28 in common years.
    static func day(year: Int, month: Int, day: Int) -> Int64 {
        CivilDate.toDays(year, month, min(day, CivilDate.daysInMonth(year, month)))
    }

    /// The next suggestions, one per pending occasion plus the general one, all strictly after
    /// `after` (when kid dates were first seen, or the last time one was handled).
    func candidates(after: Date, state: PlannerState, rotationBase: CadenceTimes) -> [Candidate] {
        guard settings.enabled else { return [] }
        let memory = state.kidDates
        let today = clock.localDay(after)
        var result: [Candidate] = []
        for occasion in occasions(today: today) where !memory.suggestedOccasions.contains(occasion.key) {
            var earliestDay = max(occasion.firstDay, today)
            var notBefore = after
            if let back = memory.comeBack[occasion.key] {
                // "Closer to the day": the day before it, or later if that has passed.
                earliestDay = max(earliestDay, clock.localDay(back) + 1, occasion.day - 1)
                notBefore = max(notBefore, back)
            }
            if let attempt = memory.lastAttempt[occasion.key] {
                // Same day is fine if its moment is still ahead; `notBefore` keeps it after.
                earliestDay = max(earliestDay, clock.localDay(attempt))
                notBefore = max(notBefore, attempt)
            }
            guard earliestDay <= occasion.lastDay,
                  let at = moment(from: earliestDay, through: occasion.lastDay, after: notBefore, key: occasion.key)
            else { continue }
            let child = occasion.child ?? leastRecentChild(memory)
            result.append(candidate(at: at, origin: .occasion, child: child, occasion: occasion))
        }
        if let every = settings.every {
            let base = memory.lastSuggested.map { $0.addingTimeInterval(every.timeInterval) }
                ?? after.addingTimeInterval(86_400)
            let from = max(base, after, memory.lastGeneralAttempt ?? after)
            if let at = moment(from: clock.localDay(from), through: clock.localDay(from) + 14, after: from,
                               key: "general") {
                result.append(candidate(at: at, origin: .kidDate, child: leastRecentChild(memory), occasion: nil))
            }
        }
        return result
    }

    /// A seeded moment inside `between` on the first allowed day in `firstDay...lastDay` that
    /// comes after `after`.
    private func moment(from firstDay: Int64, through lastDay: Int64, after: Date, key: String) -> Date? {
        guard firstDay <= lastDay else { return nil }
        let window = RandomWindow(timesPerDay: 1, between: settings.between, days: settings.days)
        for day in firstDay...lastDay {
            if let t = times.windowTimes(day: day, window: window, seedParts: [kidDateCheckinID, key]).first,
               t > after {
                return t
            }
        }
        return nil
    }

    /// The child whose last kid date is longest ago; never-taken children first, in config order.
    func leastRecentChild(_ memory: KidDateMemory) -> String? {
        var best: (name: String, last: Date?)?
        for child in config.children {
            let last = memory.lastTaken[child.name]
            guard let current = best else { best = (child.name, last); continue }
            switch (current.last, last) {
            case (nil, _): continue
            case (.some, nil): best = (child.name, nil)
            case let (.some(a), .some(b)) where b < a: best = (child.name, b)
            default: continue
            }
        }
        return best?.name
    }

    private func candidate(at: Date, origin: OccurrenceOrigin, child: String?, occasion: Occasion?) -> Candidate {
        let zone = clock.zone
        var actions: [CheckinAction] = [.tookIt, .notThisTime]
        if occasion != nil { actions.append(.closerToTheDay) }
        return Candidate(
            occurrence: OccurrenceID(checkin: kidDateCheckinID, scheduled: at, timeZone: zone), origin: origin,
            scheduled: at, due: at, title: child.map { "A little 1:1 time with \($0)" } ?? "A little 1:1 time",
            messages: settings.messages, ask: nil, actions: actions, channels: settings.channels,
            urgency: config.desktop.urgency, staleAfter: config.staleAfter, quietPolicy: .defer,
            child: child, occasionKey: occasion?.key, occasionName: occasion?.name)
    }
}
