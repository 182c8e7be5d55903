import Foundation

/// Where quiet hours and spacing move a moment. Pure functions of the config and what has fired.
struct Timing: Sendable {
    let clock: ZoneClock
    let quietHours: TimeOfDayRange?
    let minSpacing: GentleDuration

    /// Whether `date` lies inside quiet hours.
    func isQuiet(_ date: Date) -> Bool {
        guard let quiet = quietHours else { return false }
        return quiet.contains(minuteOfDay: clock.minuteOfDay(date))
    }

    /// The end of the quiet period that contains `date` (the next `quiet.end` wall time).
    func endOfQuiet(containing date: Date) -> Date {
        guard let quiet = quietHours else { return date }
        let (day, second) = clock.local(date)
        let endSecond = quiet.end.minuteOfDay * 60
        let endDay = second < endSecond ? day : day + 1
        return clock.date(day: endDay, secondOfDay: endSecond)
    }

    enum Placement: Equatable {
        case at(Date, movedBy: [MoveReason])
        case skip(SkipReason)
    }

    enum MoveReason: Equatable {
        case quietHours
        case spacing
    }

    /// Where a candidate lands given the last fire: out of quiet hours (deferred or skipped, per
    /// its policy) and at least `min_spacing` after the latest fire.
    func place(_ due: Date, policy: QuietHoursPolicy, lastFire: Date?, honourSpacing: Bool = true) -> Placement {
        var t = due
        var moves: [MoveReason] = []
        // Two rounds settle it: spacing can push into quiet hours, whose end is then past spacing.
        for _ in 0..<3 {
            if isQuiet(t) {
                if policy == .skip { return .skip(.quietHours) }
                t = endOfQuiet(containing: t)
                if !moves.contains(.quietHours) { moves.append(.quietHours) }
            }
            if honourSpacing, minSpacing.seconds > 0, let last = lastFire {
                let earliest = last.addingTimeInterval(minSpacing.timeInterval)
                if t < earliest {
                    t = earliest
                    if !moves.contains(.spacing) { moves.append(.spacing) }
                    continue
                }
            }
            break
        }
        return .at(t, movedBy: moves)
    }
}
