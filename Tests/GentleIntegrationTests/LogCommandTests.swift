import Foundation
import Testing
import GentleCore
import GentleTestSupport

/// `gentle log` through the built binary, on logs written the way the daemon writes them plus
/// the damage a real log can carry: a line from a newer gentle, a broken line, a torn end.
@Suite struct LogCommandTests {
    /// A scratch state directory with an event log, and the environment that keeps the user's
    /// own config and log out of the test.
    struct Scratch {
        let dir: String
        var log: String { dir + "/state/events.jsonl" }
        var environment: [String: String?] {
            ["XDG_CONFIG_HOME": dir + "/config", "XDG_STATE_HOME": dir + "/xdg-state", "HOME": dir, "TZ": "Europe/Berlin"]
        }

        init() throws {
            // Standardised as gentle prints it (the temp dir may end in a slash).
            dir = URL(fileURLWithPath: try PackagePaths.makeTemporaryDirectory("gentle-log")).standardizedFileURL.path
            try FileManager.default.createDirectory(atPath: dir + "/state", withIntermediateDirectories: true)
        }

        func remove() { try? FileManager.default.removeItem(atPath: dir) }

        func write(_ text: String) throws {
            try text.write(toFile: log, atomically: true, encoding: .utf8)
        }

        func gentle(_ arguments: [String]) throws -> RunResult {
            try RunResult.run(PackagePaths.gentleBinary, ["log", "--state-dir", dir + "/state"] + arguments,
                              environment: environment)
        }
    }

    static let berlin = TimeZone(identifier: "Europe/Berlin") ?? .current

    static func at(_ text: String) throws -> Date { try #require(ISO8601Offset.parse(text)) }

    static let notes = [
        "tea, then \"quiet\" time",
        "two lines:\nfirst, second",
        "windows line\r\nbreak",
        "Pause am Fenster ☕️ 👩‍👧 — schön",
        "=1+1, not a formula",
    ]

    /// The records of a week in November 2026 (in Berlin time), encoded as the daemon does, with
    /// a future record and a broken line in the middle and a torn record at the end.
    static func sampleLog() throws -> (text: String, records: [EventRecord]) {
        var records: [EventRecord] = []
        for (i, note) in notes.enumerated() {
            let scheduled = try at("2026-11-2\(3 + i)T09:00:00+01:00")
            let id = OccurrenceID(checkin: i % 2 == 0 ? "breathe" : "one-good-thing", scheduled: scheduled, timeZone: berlin)
            records.append(EventRecord(kind: .fired, at: scheduled, occurrence: id, channel: "desktop", message: i))
            records.append(EventRecord(kind: .delivered, at: scheduled.addingTimeInterval(0.2), occurrence: id, channel: "desktop"))
            records.append(EventRecord(kind: .reply, at: scheduled.addingTimeInterval(95), occurrence: id, channel: "desktop",
                                       action: "done", note: note))
        }
        let kidDate = OccurrenceID(checkin: "kid-date", scheduled: try at("2026-11-26T15:00:00+01:00"), timeZone: berlin)
        records.append(EventRecord(kind: .fired, at: kidDate.scheduled, occurrence: kidDate, channel: "desktop",
                                   child: "Mia", occasion: "First day of school@2026-11-27", origin: "occasion"))
        records.append(EventRecord(kind: .reply, at: try at("2026-11-26T18:00:00+01:00"), occurrence: kidDate, channel: "desktop",
                                   action: "took-it", note: "ice cream, by the river", child: "Mia",
                                   occasion: "First day of school@2026-11-27"))
        let stale = OccurrenceID(checkin: "breathe", scheduled: try at("2026-11-28T10:00:00+01:00"), timeZone: berlin)
        records.append(EventRecord(kind: .droppedStale, at: try at("2026-11-28T20:00:00+01:00"), occurrence: stale,
                                   channel: "desktop", error: "came 10h late", reason: "stale: could not be delivered in time"))
        records.append(EventRecord(kind: .reply, at: try at("2026-11-29T11:00:00+01:00"), checkin: "breathe", action: "not-now"))
        var text = records.prefix(6).map { EventLogCodec.encode($0, timeZone: berlin) + "\n" }.joined()
        text += future + "\n"
        text += "this line is not a record\n"
        text += records.dropFirst(6).map { EventLogCodec.encode($0, timeZone: berlin) + "\n" }.joined()
        text += #"{"v":1,"kind":"reply","at":"2026-11-29T12:00"#
        return (text, records)
    }

    static let future = #"{"v":2,"kind":"hug","at":"2026-11-25T12:00:00.000+01:00","checkin":"snuggle","warmth":{"level":[3,4]}}"#

    @Test func csvParsesBackWithPythonsCSVModule() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let (text, records) = try Self.sampleLog()
        try scratch.write(text)
        let result = try scratch.gentle(["--csv"])
        #expect(result.status == 0)
        // Problems are told once, briefly, on stderr: the broken line and the torn end.
        #expect(result.stderr.components(separatedBy: "gentle: note:").count == 2, "\(result.stderr)")
        #expect(result.stderr.contains("1 line of \(scratch.log) could not be read"))
        #expect(result.stderr.contains("line 8:"))
        #expect(result.stderr.contains("the last line is incomplete"))

        let csvPath = scratch.dir + "/out.csv"
        try result.stdout.write(toFile: csvPath, atomically: true, encoding: .utf8)
        let script = """
            import csv, json, sys
            with open(sys.argv[1], newline="", encoding="utf-8", errors="strict") as f:
                print(json.dumps(list(csv.reader(f, strict=True))))
            """
        let parsed = try RunResult.run("/usr/bin/env", ["python3", "-c", script, csvPath])
        #expect(parsed.status == 0, "\(parsed.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(parsed.stdout.utf8)) as? [[String]])
        #expect(rows.first == ["at", "kind", "checkin", "occurrence", "channel", "action", "note", "child", "occasion",
                               "scheduled", "due", "reason", "error"])
        // Every record and the future one; not the broken line or the torn end.
        #expect(rows.count == 1 + records.count + 1)
        #expect(rows.allSatisfy { $0.count == 13 })
        #expect(rows.compactMap { $0[1] == "reply" && !$0[6].isEmpty ? $0[6] : nil }
            == Self.notes + ["ice cream, by the river"])
        #expect(rows.contains { $0[1] == "hug" && $0[2] == "snuggle" && $0[0] == "2026-11-25T12:00:00.000+01:00" })
        let kid = try #require(rows.first { $0[5] == "took-it" })
        #expect(kid[7] == "Mia")
        #expect(kid[8] == "First day of school@2026-11-27")
        let stale = try #require(rows.first { $0[1] == "dropped-stale" })
        #expect(stale[11] == "stale: could not be delivered in time")
        #expect(stale[12] == "came 10h late")
        #expect(stale[9] == "2026-11-28T10:00:00+01:00")
        // RFC 4180 line ends, and the raw bytes are UTF-8 as written.
        #expect(result.stdout.hasPrefix("at,kind,checkin,occurrence,channel,action,note,child,occasion,scheduled,due,reason,error\r\n"))
        #expect(result.stdout.contains("\"tea, then \"\"quiet\"\" time\""))
    }

    @Test func jsonLinesAreTheRecordsAsStored() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let (text, records) = try Self.sampleLog()
        try scratch.write(text)
        let result = try scratch.gentle(["--json"])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(result.stdout.hasSuffix("\n"))
        #expect(lines.count == records.count + 1)
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["kind"] is String, "\(line)")
        }
        // Byte for byte, keys from a newer gentle included.
        #expect(lines.contains { $0 == Self.future })
        let expected = text.split(separator: "\n").filter { $0.hasPrefix("{") && $0.hasSuffix("}") }
        #expect(lines.map(String.init) == expected.map(String.init))

        let replies = try scratch.gentle(["--json", "--replies-only", "--checkin", "breathe"])
        let kinds = try replies.stdout.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(kinds.count == 4)
        #expect(kinds.allSatisfy { $0["kind"] as? String == "reply" && $0["checkin"] as? String == "breathe" })
    }

    @Test func exportsFollowTheRange() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write(try Self.sampleLog().text)
        let result = try scratch.gentle(["--csv", "--since", "2026-11-24", "--until", "2026-11-25 09:01:35"])
        #expect(result.status == 0)
        let kinds = result.stdout.components(separatedBy: "\r\n").dropFirst().filter { !$0.isEmpty }
            .map { $0.split(separator: ",")[1] }
        // 24 Nov fired, delivered, reply; 25 Nov fired, delivered (its reply comes at 09:01:35, excluded).
        #expect(kinds == ["fired", "delivered", "reply", "fired", "delivered"])
    }

    @Test func theSummaryTellsTheWeekCalmly() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write(try Self.sampleLog().text)
        let config = scratch.dir + "/config.toml"
        try """
            [[checkin]]
            id = "breathe"
            title = "Breathe"
            messages = ["Breathe."]
            times_per_day = 1
            between = "09:30..11:30"
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let result = try scratch.gentle(["--config", config, "--since", "2026-11-23", "--until", "2026-11-30"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("Mon 23 Nov – Sun 29 Nov 2026\n\n"))
        #expect(result.stdout.contains("You took a moment for “Breathe” 3 times and for “one-good-thing” twice."))
        #expect(result.stdout.contains("You had a kid date with Mia on Thursday 26 November (First day of school)."))
        #expect(result.stdout.contains("    09:01  one-good-thing: Pause am Fenster ☕️ 👩‍👧 — schön\n"))
        #expect(result.stdout.contains("    09:01  one-good-thing: two lines:\n             first, second\n"))
        #expect(result.stdout.contains("    18:00  Kid date with Mia: ice cream, by the river\n"))
        #expect(result.stdout.contains("One check-in could not reach you in time"))
        #expect(!result.stdout.lowercased().contains("missed"))
        #expect(!result.stdout.lowercased().contains("streak"))
        #expect(result.stderr.contains("the last line is incomplete"))

        // The same week, one check-in; and a week given by its end.
        let one = try scratch.gentle(["--config", config, "--week", "--until", "2026-11-30", "--checkin", "breathe"])
        #expect(one.stdout.hasPrefix("“Breathe”, Mon 23 Nov – Sun 29 Nov 2026\n\nYou took a moment for “Breathe” 3 times.\n"))
        #expect(!one.stdout.contains("Mia"))
    }

    @Test func worksWithoutAConfigAndWithABrokenOne() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write(try Self.sampleLog().text)
        let none = try scratch.gentle(["--since", "2026-11-23", "--until", "2026-11-30"])
        #expect(none.status == 0)
        #expect(none.stdout.contains("You took a moment for “breathe” 3 times"))
        #expect(!none.stderr.contains("config"))

        let broken = scratch.dir + "/broken.toml"
        try "[[checkin]\nid = ".write(toFile: broken, atomically: true, encoding: .utf8)
        let withBroken = try scratch.gentle(["--config", broken, "--since", "2026-11-23", "--until", "2026-11-30"])
        #expect(withBroken.status == 0)
        #expect(withBroken.stdout == none.stdout)
        #expect(withBroken.stderr.contains("could not read the config (`gentle check` says why); showing check-in ids instead of titles."))
        let csv = try scratch.gentle(["--config", broken, "--csv"])
        #expect(csv.status == 0)
        #expect(!csv.stderr.contains("config"))
    }

    @Test func theDefaultIsTheLastSevenDays() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let now = Date()
        let recent = EventRecord(kind: .reply, at: now.addingTimeInterval(-3600), checkin: "breathe", action: "done", note: "recent")
        let old = EventRecord(kind: .reply, at: now.addingTimeInterval(-9 * 86_400), checkin: "breathe", action: "done", note: "old")
        let older = EventRecord(kind: .reply, at: now.addingTimeInterval(-4 * 86_400), checkin: "breathe", action: "done", note: "four days")
        try scratch.write([old, older, recent].map { EventLogCodec.encode($0, timeZone: Self.berlin) + "\n" }.joined())
        let week = try scratch.gentle([])
        #expect(week.status == 0)
        #expect(week.stdout.contains("recent"))
        #expect(week.stdout.contains("four days"))
        #expect(!week.stdout.contains("old"))
        let recentOnly = try scratch.gentle(["--since", "-3d"])
        #expect(recentOnly.stdout.contains("recent"))
        #expect(!recentOnly.stdout.contains("four days"))
        #expect(week.stderr.isEmpty)
        // Exports take the whole log unless told otherwise.
        let all = try scratch.gentle(["--json"])
        #expect(all.stdout.split(separator: "\n").count == 3)
        let lastWeek = try scratch.gentle(["--json", "--week"])
        #expect(lastWeek.stdout.split(separator: "\n").count == 2)
    }

    @Test func noLogYetIsNotAnError() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let summary = try scratch.gentle([])
        #expect(summary.status == 0)
        #expect(summary.stdout == "Nothing to look back on yet: there is no event log at \(scratch.log). Once gentle is running, your replies and notes will show up here.\n")
        let csv = try scratch.gentle(["--csv"])
        #expect(csv.status == 0)
        #expect(csv.stdout == "at,kind,checkin,occurrence,channel,action,note,child,occasion,scheduled,due,reason,error\r\n")
        #expect(csv.stderr.hasPrefix("gentle: Nothing to look back on yet"))
        let json = try scratch.gentle(["--json"])
        #expect(json.status == 0)
        #expect(json.stdout.isEmpty)
    }

    @Test func outputAndReadFailuresAreErrors() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write(try Self.sampleLog().text)
        let full = try RunResult.run("/bin/sh", ["-c", "exec \"$0\" log --state-dir \"$1\" --csv > /dev/full", PackagePaths.gentleBinary,
                                                 scratch.dir + "/state"], environment: scratch.environment)
        #expect(full.status == 1)
        #expect(full.stderr.hasPrefix("gentle: could not write the output: No space left on device\n"))

        try FileManager.default.createDirectory(atPath: scratch.dir + "/odd/events.jsonl", withIntermediateDirectories: true)
        let directory = try RunResult.run(PackagePaths.gentleBinary, ["log", "--state-dir", scratch.dir + "/odd"],
                                          environment: scratch.environment)
        #expect(directory.status == 1)
        #expect(directory.stderr.hasPrefix("gentle: could not read \(scratch.dir)/odd/events.jsonl: Is a directory"))
    }

    @Test func unclearRequestsAreRefusedWithTheFix() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let cases: [([String], String)] = [
            (["--json", "--csv"], "choose one of --json and --csv"),
            (["--week", "--since", "yesterday"], "use it or --since, not both"),
            (["--replies-only"], "--replies-only goes with --json or --csv"),
            (["--checkin", "Not An Id"], "is not a check-in id"),
            (["--since", "last tuesday"], "--since \"last tuesday\" is not a time"),
            (["--since", "2026-11-30", "--until", "2026-11-23"], "--since must come before --until"),
        ]
        for (arguments, message) in cases {
            let result = try scratch.gentle(arguments)
            #expect(result.status != 0, "\(arguments)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
    }
}
