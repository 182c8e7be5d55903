import Foundation
import GentleCore

/// A log that looks like years of real use, for `bench/log.sh`: a handful of check-ins a day,
/// answered, put off, snoozed, left to expire; now and then a failed channel, a stale drop, a
/// kid date, a pause, a record kind from a newer gentle; notes with commas, quotes, line breaks
/// and emoji. Deterministic (seeded), and it ends on the day of `end`, so "the last week" of the
/// log is the week before `end`.
enum RealisticLog {
    static let checkins = ["breathe", "mantra", "connection", "let-it-slide", "mini-break", "snuggle", "fresh-start",
                           "one-good-thing", "growing-parent", "new-tool"]
    static let notes = [
        "that helped", "we read \"Gruffalo\" twice", "Pause am Fenster, dann Tee ☕️", "loud morning, but we laughed 😂",
        "she showed me her drawing, I really looked", "line one\nline two", "tired; let the dishes wait",
        "ten slow breaths on the balcony", "\"you're the best mama\" — said unprompted!", "walked to school, no rush",
        "asked him about his day, listened, didn't fix anything, just listened, and he kept talking for ages",
    ]
    static let children = ["Mia", "Leo", "Zoë"]
    static let occasions = ["First day of school", "Dentist", "Swimming badge", "Zoë's birthday"]

    /// Calls `emit` for `count` records; returns how many days they took.
    @discardableResult
    static func generate(count: Int, firstDay: Int64, zone: TimeZone, _ emit: (EventRecord) -> Void) -> Int64 {
        var random = SeededRandom(seed: 20_261_127)
        let clock = ZoneClock(zone: zone)
        var written = 0
        var day = firstDay
        func put(_ record: EventRecord) {
            guard written < count else { return }
            emit(record)
            written += 1
        }
        func chance(_ percent: Int) -> Bool { random.below(100) < percent }
        func note() -> String? { chance(30) ? notes[random.below(notes.count)] : nil }
        while written < count {
            let occurrences = 4 + random.below(3)
            var minute = 7 * 60 + 30
            for _ in 0..<occurrences {
                minute += 60 + random.below(150)
                guard minute < 21 * 60 else { break }
                let checkin = checkins[random.below(checkins.count)]
                let scheduled = clock.date(day: day, minuteOfDay: minute)
                let id = OccurrenceID(checkin: checkin, scheduled: scheduled, timeZone: zone)
                func at(_ seconds: Double) -> Date { scheduled.addingTimeInterval(seconds) }
                let roll = random.below(100)
                if roll < 4 {
                    put(EventRecord(kind: .skipped, at: scheduled, occurrence: id, reason: "daily limit of 6 reached"))
                    continue
                }
                put(EventRecord(kind: .fired, at: at(0.004), occurrence: id, due: scheduled, channel: "desktop",
                                message: random.below(4)))
                switch roll {
                case 4..<6:
                    put(EventRecord(kind: .held, at: at(0.01), occurrence: id, channel: "desktop", reason: "no notification server yet"))
                    put(EventRecord(kind: .droppedStale, at: at(7300), occurrence: id, channel: "desktop",
                                    error: "came 2h 1m late", reason: "stale: could not be delivered in time"))
                    continue
                case 6..<9:
                    put(EventRecord(kind: .failed, at: at(0.02), occurrence: id, channel: "desktop",
                                    error: "org.freedesktop.DBus.Error.ServiceUnknown: no notification server"))
                    put(EventRecord(kind: .delivered, at: at(0.03), occurrence: id, channel: "console"))
                default:
                    put(EventRecord(kind: .delivered, at: at(0.05), occurrence: id, channel: "desktop", reason: "id \(written)"))
                }
                let answer = Double(20 + random.below(900))
                switch roll {
                case 9..<45:
                    put(EventRecord(kind: .reply, at: at(answer), occurrence: id, channel: "desktop", action: "done", note: note()))
                case 45..<55:
                    put(EventRecord(kind: .reply, at: at(answer), occurrence: id, channel: "desktop", action: "opened"))
                    put(EventRecord(kind: .reply, at: at(answer + 30), occurrence: id, channel: "cli", action: "done", note: note()))
                case 55..<67:
                    put(EventRecord(kind: .reply, at: at(answer), occurrence: id, channel: "desktop", action: "not-now"))
                case 67..<75:
                    put(EventRecord(kind: .reply, at: at(answer), occurrence: id, channel: "desktop", action: "snooze:30m"))
                    put(EventRecord(kind: .snoozed, at: at(answer), occurrence: id, channel: "desktop", until: at(answer + 1800)))
                    let again = OccurrenceID(checkin: checkin, scheduled: at(answer + 1800), timeZone: zone)
                    put(EventRecord(kind: .fired, at: again.scheduled, occurrence: again, channel: "desktop", origin: "snooze"))
                    put(EventRecord(kind: .delivered, at: again.scheduled.addingTimeInterval(0.05), occurrence: again, channel: "desktop"))
                    put(EventRecord(kind: .reply, at: again.scheduled.addingTimeInterval(60), occurrence: again,
                                    channel: "desktop", action: "done", note: note()))
                case 75..<93:
                    put(EventRecord(kind: .expired, at: at(1800), occurrence: id, channel: "desktop"))
                default:
                    put(EventRecord(kind: .dismissed, at: at(answer), occurrence: id, channel: "desktop"))
                }
            }
            if (day - firstDay) % 9 == 4 {
                let scheduled = clock.date(day: day, minuteOfDay: 16 * 60 + random.below(120))
                let id = OccurrenceID(checkin: kidDateCheckinID, scheduled: scheduled, timeZone: zone)
                let child = children[random.below(children.count)]
                let occasion = chance(50) ? occasions[random.below(occasions.count)] + "@" + clock.dayString(day + 2) : nil
                put(EventRecord(kind: .fired, at: scheduled, occurrence: id, channel: "desktop", child: child,
                                occasion: occasion, origin: occasion == nil ? "kid-date" : "occasion"))
                put(EventRecord(kind: .delivered, at: scheduled.addingTimeInterval(0.05), occurrence: id, channel: "desktop"))
                let action = chance(60) ? "took-it" : (occasion != nil && chance(50) ? "closer-to-the-day" : "not-this-time")
                put(EventRecord(kind: .reply, at: scheduled.addingTimeInterval(3600), occurrence: id, channel: "desktop",
                                action: action, note: action == "took-it" && chance(50) ? "pancakes, then the park" : nil,
                                child: child, occasion: occasion))
            }
            if (day - firstDay) % 61 == 30 {
                let from = clock.date(day: day, minuteOfDay: 21 * 60 + 30)
                put(EventRecord(kind: .paused, at: from, channel: "cli", until: from.addingTimeInterval(2 * 86_400)))
                put(EventRecord(kind: .resumed, at: from.addingTimeInterval(2 * 86_400)))
            }
            if (day - firstDay) % 401 == 200 {
                put(EventRecord(kind: .other("gratitude"), at: clock.date(day: day, minuteOfDay: 22 * 60), checkin: "one-good-thing"))
            }
            day += 1
        }
        return day - firstDay
    }
}
