import Foundation
import Testing
@testable import GentleCore

/// A moment written as in the log, e.g. "2026-11-24T10:00:00+01:00".
func logMoment(_ text: String) throws -> Date {
    try #require(ISO8601Offset.parse(text), "bad test time \(text)")
}

func logZone(_ id: String) throws -> TimeZone {
    try #require(TimeZone(identifier: id))
}

/// Records for one occurrence of a check-in, as the daemon writes them.
struct LogBuilder {
    var records: [EventRecord] = []
    let zone: TimeZone

    mutating func occurrence(_ checkin: String, at text: String) throws -> OccurrenceID {
        let at = try logMoment(text)
        let id = OccurrenceID(checkin: checkin, scheduled: at, timeZone: zone)
        records.append(EventRecord(kind: .fired, at: at, occurrence: id, channel: "desktop"))
        records.append(EventRecord(kind: .delivered, at: at.addingTimeInterval(1), occurrence: id, channel: "desktop"))
        return id
    }

    mutating func reply(_ checkin: String, at text: String, action: String, note: String? = nil,
                        child: String? = nil, occasion: String? = nil) throws {
        let id = try occurrence(checkin, at: text)
        records.append(EventRecord(kind: .reply, at: id.scheduled.addingTimeInterval(60), occurrence: id,
                                   channel: "desktop", action: action, note: note, child: child, occasion: occasion))
    }

    mutating func add(_ kind: EventKind, _ checkin: String, at text: String, reason: String? = nil) throws {
        let at = try logMoment(text)
        records.append(EventRecord(kind: kind, at: at, occurrence: OccurrenceID(checkin: checkin, scheduled: at, timeZone: zone),
                                   channel: "desktop", reason: reason))
    }

    func summary(from start: String, to end: String, checkin: String? = nil) throws -> LogSummary {
        var summarizer = LogSummarizer(start: try logMoment(start), end: try logMoment(end), checkin: checkin)
        for record in records { summarizer.add(record) }
        return summarizer.result()
    }
}

@Suite struct LogSummaryTests {
    let titles = ["breathe": "Breathe", "went-well": "One good thing", "slide": "Could something slide?"]

    /// Words that would make the log a score or a reproach. None may appear, whatever the log holds.
    static let forbidden = ["streak", "missed", "miss ", "ignored", "failed", "fail", "skipped", "score", "in a row",
                            "%", "should", "expired", "dismissed", "unanswered", "didn't", "did not", "only",
                            "behind", "again and again", "broke", "lost"]

    @Test func notesAndKidDatesAppearInPlainSentences() throws {
        let berlin = try logZone("Europe/Berlin")
        var log = LogBuilder(zone: berlin)
        try log.reply("breathe", at: "2026-11-24T09:00:00+01:00", action: "done", note: "that helped, a lot")
        try log.reply("went-well", at: "2026-11-24T20:30:00+01:00", action: "done", note: "we read \"Gruffalo\" twice\nand laughed 🐭")
        // The suggestion names child and occasion; the reply does not (an older daemon's reply).
        let suggestion = OccurrenceID(checkin: kidDateCheckinID, scheduled: try logMoment("2026-11-26T15:00:00+01:00"), timeZone: berlin)
        log.records.append(EventRecord(kind: .fired, at: suggestion.scheduled, occurrence: suggestion, channel: "desktop",
                                       child: "Mia", occasion: "First day of school@2026-11-27", origin: "occasion"))
        log.records.append(EventRecord(kind: .reply, at: try logMoment("2026-11-26T19:10:00+01:00"), occurrence: suggestion,
                                       channel: "desktop", action: "took-it", note: "ice cream by the river"))
        try log.reply(kidDateCheckinID, at: "2026-11-28T10:00:00+01:00", action: "closer-to-the-day",
                      child: "Ben", occasion: "Ben's birthday@2026-12-12")

        let summary = try log.summary(from: "2026-11-23T00:00:00+01:00", to: "2026-11-30T00:00:00+01:00")
        let text = LogSummaryText(timeZone: berlin, titles: titles).render(summary)
        #expect(text.hasPrefix("Mon 23 Nov – Sun 29 Nov 2026\n\n"))
        #expect(text.contains("You took a moment for “Breathe” once and for “One good thing” once."))
        #expect(text.contains("You had a kid date with Mia on Thursday 26 November (First day of school)."))
        #expect(text.contains("You asked to hear about Ben's birthday again closer to the day."))
        #expect(text.contains("""
            What you wrote:
              Tue 24 Nov
                09:01  Breathe: that helped, a lot
                20:31  One good thing: we read "Gruffalo" twice
                         and laughed 🐭
              Thu 26 Nov
                19:10  Kid date with Mia: ice cream by the river

            """))
        #expect(summary.kidDates == [LogSummary.KidDate(at: try logMoment("2026-11-26T19:10:00+01:00"), child: "Mia",
                                                        occasion: "First day of school@2026-11-27")])
    }

    @Test func nothingReadsAsAScoreWhateverTheLogHolds() throws {
        let utc = try logZone("UTC")
        var log = LogBuilder(zone: utc)
        for day in 23...29 {
            try log.reply("breathe", at: "2026-11-\(day)T08:00:00Z", action: "not-now")
            try log.add(.expired, "went-well", at: "2026-11-\(day)T20:00:00Z")
            try log.add(.dismissed, "slide", at: "2026-11-\(day)T12:00:00Z")
            try log.add(.skipped, "breathe", at: "2026-11-\(day)T23:00:00Z", reason: "inside quiet hours")
            try log.add(.failed, "slide", at: "2026-11-\(day)T13:00:00Z")
            try log.add(.droppedStale, "slide", at: "2026-11-\(day)T14:00:00Z", reason: "stale")
            try log.add(.other("future-kind"), "slide", at: "2026-11-\(day)T15:00:00Z")
        }
        try log.reply("slide", at: "2026-11-25T16:00:00Z", action: "snooze:30m")
        try log.reply(kidDateCheckinID, at: "2026-11-26T16:00:00Z", action: "not-this-time", child: "Ben")
        for titles in [titles, [:]] {
            let text = LogSummaryText(timeZone: utc, titles: titles)
                .render(try log.summary(from: "2026-11-23T00:00:00Z", to: "2026-11-30T00:00:00Z"))
            let lower = text.lowercased()
            for word in Self.forbidden {
                #expect(!lower.contains(word), "\"\(word)\" in:\n\(text)")
            }
            // Seven "not now"s are acknowledged once, without a number.
            #expect(text.contains("Some moments were not the right time, and you said so. That is an answer too."))
            #expect(!text.contains("7"))
            // The only number is the practical delivery line: 14 occurrences never reached the parent.
            #expect(text.hasSuffix("\n14 check-ins could not reach you in time; `gentle log --csv` shows why, in its\nerror and reason columns.\n"))
        }
    }

    @Test func daysWithNothingAreNotMentioned() throws {
        let utc = try logZone("UTC")
        var log = LogBuilder(zone: utc)
        try log.reply("breathe", at: "2026-11-23T08:00:00Z", action: "done", note: "Monday")
        try log.add(.expired, "breathe", at: "2026-11-24T08:00:00Z")
        try log.add(.skipped, "breathe", at: "2026-11-25T08:00:00Z")
        try log.reply("breathe", at: "2026-11-26T08:00:00Z", action: "done", note: "Thursday")
        let text = LogSummaryText(timeZone: utc, titles: titles)
            .render(try log.summary(from: "2026-11-23T00:00:00Z", to: "2026-11-30T00:00:00Z"))
        #expect(text.contains("  Mon 23 Nov\n    08:01  Breathe: Monday\n  Thu 26 Nov\n    08:01  Breathe: Thursday\n"))
        #expect(!text.contains("Tue"))
        #expect(!text.contains("Wed"))
        #expect(text.contains("You took a moment for “Breathe” twice."))
    }

    @Test func aQuietSpanSaysSoWithoutJudgement() throws {
        let utc = try logZone("UTC")
        var log = LogBuilder(zone: utc)
        try log.add(.expired, "breathe", at: "2026-11-24T08:00:00Z")
        let text = LogSummaryText(timeZone: utc).render(try log.summary(from: "2026-11-23T00:00:00Z", to: "2026-11-30T00:00:00Z"))
        #expect(text == "Mon 23 Nov – Sun 29 Nov 2026\n\nNothing in the log for these days.\n")
        let filtered = LogSummaryText(timeZone: utc, titles: titles)
            .render(try log.summary(from: "2026-11-23T00:00:00Z", to: "2026-11-24T00:00:00Z", checkin: "breathe"))
        #expect(filtered == "“Breathe”, Mon 23 Nov 2026\n\nNothing for “Breathe” in these days.\n")
    }

    @Test func theCheckinFilterKeepsOneCheckinAndLeavesPausesOut() throws {
        let utc = try logZone("UTC")
        var log = LogBuilder(zone: utc)
        try log.reply("breathe", at: "2026-11-24T08:00:00Z", action: "done", note: "in")
        try log.reply("went-well", at: "2026-11-24T20:00:00Z", action: "done", note: "out")
        try log.reply("went-well", at: "2026-11-25T20:00:00Z", action: "not-now")
        try log.add(.droppedStale, "went-well", at: "2026-11-25T21:00:00Z")
        log.records.append(EventRecord(kind: .paused, at: try logMoment("2026-11-26T10:00:00Z"),
                                       until: try logMoment("2026-11-27T09:00:00Z")))
        let summary = try log.summary(from: "2026-11-23T00:00:00Z", to: "2026-11-30T00:00:00Z", checkin: "breathe")
        #expect(summary.moments == [LogSummary.Moments(checkin: "breathe", count: 1)])
        #expect(summary.notes.map(\.text) == ["in"])
        #expect(!summary.saidNotNow)
        #expect(summary.pauses.isEmpty)
        #expect(summary.undelivered == 0)
        let everything = try log.summary(from: "2026-11-23T00:00:00Z", to: "2026-11-30T00:00:00Z")
        #expect(everything.notes.map(\.text) == ["in", "out"])
        #expect(everything.saidNotNow)
        #expect(everything.undelivered == 1)
        let text = LogSummaryText(timeZone: utc, titles: titles).render(everything)
        #expect(text.contains("You paused check-ins on Thursday 26 November until Friday 27 November, 09:00."))
    }

    @Test func theStartIsIncludedAndTheEndIsNot() throws {
        let utc = try logZone("UTC")
        var records: [EventRecord] = []
        for (text, note) in [("2026-11-22T23:59:59.999Z", "before"), ("2026-11-23T00:00:00Z", "first"),
                             ("2026-11-29T23:59:59.999Z", "last"), ("2026-11-30T00:00:00Z", "after")] {
            records.append(EventRecord(kind: .reply, at: try logMoment(text), checkin: "breathe", action: "done", note: note))
        }
        var summarizer = LogSummarizer(start: try logMoment("2026-11-23T00:00:00Z"), end: try logMoment("2026-11-30T00:00:00Z"))
        for record in records { summarizer.add(record) }
        let summary = summarizer.result()
        #expect(summary.notes.map(\.text) == ["first", "last"])
        // Replies without an occurrence count one by one.
        #expect(summary.moments == [LogSummary.Moments(checkin: "breathe", count: 2)])
        let text = LogSummaryText(timeZone: utc).render(summary)
        #expect(text.hasPrefix("Mon 23 Nov – Sun 29 Nov 2026\n"))
        #expect(text.contains("  Sun 29 Nov\n    23:59  breathe: last\n"))
    }

    @Test(arguments: [
        ("Europe/Berlin", "  Wed 25 Nov\n    00:30  breathe: late"),
        ("America/New_York", "  Tue 24 Nov\n    18:30  breathe: late"),
        ("Asia/Kathmandu", "  Wed 25 Nov\n    05:15  breathe: late"),
    ])
    func daysAndTimesAreTheParentsOwn(zoneID: String, expected: String) throws {
        let tz = try logZone(zoneID)
        let record = EventRecord(kind: .reply, at: try logMoment("2026-11-24T23:30:00Z"), checkin: "breathe", action: "done", note: "late")
        var summarizer = LogSummarizer(start: try logMoment("2026-11-20T00:00:00Z"), end: try logMoment("2026-11-28T00:00:00Z"))
        summarizer.add(record)
        let text = LogSummaryText(timeZone: tz).render(summarizer.result())
        #expect(text.contains(expected), "\(text)")
    }

    @Test func theDefaultWeekIsSevenWholeLocalDaysAcrossAClockChange() throws {
        let berlin = try logZone("Europe/Berlin")
        // Summer time began on Sunday 29 March 2026: the week still starts at local midnight.
        let start = LogWeek.start(endingAt: try logMoment("2026-03-31T12:00:00+02:00"), timeZone: berlin)
        #expect(start == (try logMoment("2026-03-25T00:00:00+01:00")))
        // A week ending exactly at midnight does not include the day that begins then.
        let atMidnight = LogWeek.start(endingAt: try logMoment("2026-12-01T00:00:00+01:00"), timeZone: berlin)
        #expect(atMidnight == (try logMoment("2026-11-24T00:00:00+01:00")))
        let newYork = LogWeek.start(endingAt: try logMoment("2026-03-31T12:00:00+02:00"), timeZone: try logZone("America/New_York"))
        #expect(newYork == (try logMoment("2026-03-25T00:00:00-04:00")))
        let span = LogDateText(timeZone: berlin).span(from: try logMoment("2025-12-27T00:00:00+01:00"),
                                                       to: try logMoment("2026-01-03T00:00:00+01:00"))
        #expect(span == "Sat 27 Dec 2025 – Fri 2 Jan 2026")
    }

    @Test func eachOccurrenceCountsOnceHoweverItWasAnswered() throws {
        let utc = try logZone("UTC")
        var log = LogBuilder(zone: utc)
        let id = try log.occurrence("breathe", at: "2026-11-24T08:00:00Z")
        for action in ["opened", "done", "done"] {
            log.records.append(EventRecord(kind: .reply, at: try logMoment("2026-11-24T08:05:00Z"), occurrence: id,
                                           channel: "desktop", action: action))
        }
        try log.reply("breathe", at: "2026-11-25T08:00:00Z", action: "opened")
        try log.reply("breathe", at: "2026-11-26T08:00:00Z", action: "done")
        let kid = OccurrenceID(checkin: kidDateCheckinID, scheduled: try logMoment("2026-11-27T15:00:00Z"), timeZone: utc)
        for _ in 0..<2 {
            log.records.append(EventRecord(kind: .reply, at: try logMoment("2026-11-27T18:00:00Z"), occurrence: kid,
                                           action: "took-it", note: "pancakes", child: "Ben"))
        }
        let summary = try log.summary(from: "2026-11-23T00:00:00Z", to: "2026-11-30T00:00:00Z")
        #expect(summary.moments == [LogSummary.Moments(checkin: "breathe", count: 3)])
        #expect(summary.kidDates.count == 1)
        #expect(summary.notes.map(\.text) == ["pancakes"])
        let text = LogSummaryText(timeZone: utc, titles: titles).render(summary)
        #expect(text.contains("You took a moment for “Breathe” 3 times."))
        #expect(text.contains("You had a kid date with Ben on Friday 27 November."))
    }

    @Test func deliveryTroubleCountsOnlyWhatNeverReachedTheParent() throws {
        let utc = try logZone("UTC")
        var log = LogBuilder(zone: utc)
        // Desktop failed, the console took it: reached.
        try log.add(.failed, "breathe", at: "2026-11-24T08:00:00Z")
        try log.add(.delivered, "breathe", at: "2026-11-24T08:00:00Z")
        // Failed twice (two channels) and never delivered: one occurrence.
        try log.add(.failed, "went-well", at: "2026-11-24T20:00:00Z")
        try log.add(.failed, "went-well", at: "2026-11-24T20:00:00Z")
        // Failed by email but answered anyway: reached.
        try log.add(.failed, "slide", at: "2026-11-25T12:00:00Z")
        log.records.append(EventRecord(kind: .reply, at: try logMoment("2026-11-25T12:10:00Z"),
                                       occurrence: OccurrenceID(checkin: "slide", scheduled: try logMoment("2026-11-25T12:00:00Z"), timeZone: utc),
                                       action: "done"))
        let summary = try log.summary(from: "2026-11-23T00:00:00Z", to: "2026-11-30T00:00:00Z")
        #expect(summary.undelivered == 1)
        let text = LogSummaryText(timeZone: utc, titles: titles).render(summary)
        #expect(text.hasSuffix("\nOne check-in could not reach you in time; `gentle log --csv` shows why, in its\nerror and reason columns.\n"))

        var calm = LogBuilder(zone: utc)
        try calm.reply("breathe", at: "2026-11-24T08:00:00Z", action: "done")
        let calmText = LogSummaryText(timeZone: utc).render(try calm.summary(from: "2026-11-23T00:00:00Z", to: "2026-11-30T00:00:00Z"))
        #expect(!calmText.contains("could not"))
    }

    @Test func manyKidDatesBecomeOneSentenceNamingTheChildren() throws {
        let utc = try logZone("UTC")
        var log = LogBuilder(zone: utc)
        for day in 1...8 {
            try log.reply(kidDateCheckinID, at: "2026-11-0\(day)T10:00:00Z", action: "took-it", child: day % 2 == 0 ? "Mia" : "Ben")
        }
        let text = LogSummaryText(timeZone: utc).render(try log.summary(from: "2026-11-01T00:00:00Z", to: "2026-11-10T00:00:00Z"))
        #expect(text.contains("You had 8 kid dates, with Ben and Mia.\n"))
    }

    @Test func textFromTheLogCannotDriveTheTerminal() throws {
        let utc = try logZone("UTC")
        var log = LogBuilder(zone: utc)
        try log.reply("breathe", at: "2026-11-24T08:00:00Z", action: "done", note: "red \u{1B}[31malert\u{1B}[0m\u{7}\r\nnext")
        let text = LogSummaryText(timeZone: utc).render(try log.summary(from: "2026-11-23T00:00:00Z", to: "2026-11-30T00:00:00Z"))
        #expect(!text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x0D })
        #expect(text.contains("breathe: red [31malert[0m\n"))
        #expect(text.contains("next\n"))
    }

    @Test func longSentencesAndNotesWrapAtTheWidth() throws {
        let utc = try logZone("UTC")
        var log = LogBuilder(zone: utc)
        let ids = ["breathe", "went-well", "slide", "snuggle", "mini-break", "fresh-start"]
        for (i, id) in ids.enumerated() { try log.reply(id, at: "2026-11-24T0\(i):00:00Z", action: "done") }
        let long = String(repeating: "a few words here ", count: 12) + String(repeating: "x", count: 100)
        try log.reply("breathe", at: "2026-11-25T08:00:00Z", action: "done", note: long)
        let text = LogSummaryText(timeZone: utc, titles: titles)
            .render(try log.summary(from: "2026-11-23T00:00:00Z", to: "2026-11-30T00:00:00Z"))
        for line in text.split(separator: "\n") where !line.contains("xxxx") {
            #expect(line.count <= 80, "too long: \(line)")
        }
        #expect(text.contains("\n" + String(repeating: " ", count: 13) + String(repeating: "x", count: 100) + "\n"))
        #expect(text.replacingOccurrences(of: "\n", with: " ").contains("“Could something slide?” once"))
    }

    @Test func occasionNamesLoseTheirDateKey() {
        #expect(LogSummary.occasionName("Mia's birthday@2026-05-03") == "Mia's birthday")
        #expect(LogSummary.occasionName("me@home") == "me@home")
        #expect(LogSummary.occasionName("school") == "school")
    }
}
