import Foundation
import GentleTestSupport
import Testing
@testable import GentleCore

@Suite struct ConfigLoaderTests {
    static let full = """
        timezone = "Europe/Berlin"
        quiet_hours = "21:30..07:00"
        max_per_day = 5
        min_spacing = "30m"
        stale_after = "90m"
        seed = 7
        backoff_max = 2

        [desktop]
        expire_timeout = "0s"
        urgency = "normal"
        category = "x-test.checkin"
        desktop_entry = "gentle-test"

        [email]
        to = "Parent <parent@example.org>"
        from = "gentle@example.org"
        transport = "smtp"
        url = "smtps://mail.example.org:465"
        starttls = true
        username = "parent"
        password_file = "~/.config/gentle/smtp-password"
        ca_file = "/etc/ssl/certs/ca.pem"
        timeout = "20s"
        subject_prefix = "[gentle] "

        [[checkin]]
        id = "breathe"
        title = "Breathe"
        messages = ["One slow breath.", "Shoulders down."]
        times_per_day = 3
        between = "09:00..20:00"
        days = "Mon..Fri"
        channels = ["email", "desktop"]
        actions = ["done", "snooze:15m"]
        ask = "What helped?"
        in_quiet_hours = "skip"
        stale_after = "1h"
        urgency = "low"
        enabled = false

        [[checkin]]
        id = "fresh-start"
        title = "A fresh start"
        messages = ["Good morning."]
        when = ["Mon..Fri 07:45", "Sat,Sun 08:30"]
        jitter = "10m"

        [[child]]
        name = "Mia"
        birthday = 2019-04-02

        [[child]]
        name = "Leo"
        birthday = "11-09"

        [[occasion]]
        name = "the first day of school"
        date = "09-01"
        child = "Mia"
        window = "-3d..+0d"

        [kid_dates]
        enabled = true
        between = "15:00..18:00"
        days = "Sat,Sun"
        every = "3w"
        birthday_window = "-5d..+1d"
        messages = ["Time with {child} for {occasion}?"]
        channels = ["console"]
        """

    @Test func readsEveryKey() throws {
        let config = try ConfigLoader.load(text: Self.full, path: "full.toml")
        #expect(config.sourcePath == "full.toml")
        #expect(config.timezone == "Europe/Berlin")
        #expect(config.quietHours?.description == "21:30..07:00")
        #expect(config.maxPerDay == 5)
        #expect(config.minSpacing == .minutes(30))
        #expect(config.staleAfter == .minutes(90))
        #expect(config.seed == 7)
        #expect(config.backoffMax == 2)
        #expect(config.desktop == DesktopSettings(expireTimeout: .zero, urgency: .normal, category: "x-test.checkin",
                                                  desktopEntry: "gentle-test"))
        let email = try #require(config.email)
        #expect(email.to == "Parent <parent@example.org>")
        #expect(email.url == "smtps://mail.example.org:465")
        #expect(email.passwordFile == "~/.config/gentle/smtp-password")
        #expect(email.caFile == "/etc/ssl/certs/ca.pem")
        #expect(email.timeout == GentleDuration(seconds: 20))
        #expect(email.subjectPrefix == "[gentle] ")
        #expect(email.sendmailCommand == EmailSettings.defaultSendmailCommand)

        #expect(config.checkins.count == 2)
        let breathe = config.checkins[0]
        #expect(breathe.id == "breathe")
        #expect(breathe.messages == ["One slow breath.", "Shoulders down."])
        let window = RandomWindow(timesPerDay: 3, between: try #require(TimeOfDayRange(parsing: "09:00..20:00")),
                                  days: try #require(WeekdaySet(parsing: "Mon..Fri")))
        #expect(breathe.cadence == .window(window))
        #expect(breathe.channels == [.email, .desktop])
        #expect(breathe.actions == [.done, .snooze(.minutes(15))])
        #expect(breathe.ask == "What helped?")
        #expect(breathe.inQuietHours == .skip)
        #expect(breathe.staleAfter == .hours(1))
        #expect(breathe.urgency == .low)
        #expect(!breathe.enabled)

        let fresh = config.checkins[1]
        guard case .calendar(let specs) = fresh.cadence else {
            Issue.record("expected a calendar cadence")
            return
        }
        #expect(specs.map(\.original) == ["Mon..Fri 07:45", "Sat,Sun 08:30"])
        #expect(fresh.jitter == .minutes(10))
        #expect(fresh.channels == CheckinConfig.defaultChannels)
        #expect(fresh.actions == CheckinConfig.defaultActions)
        #expect(fresh.inQuietHours == .defer)
        #expect(fresh.enabled)

        #expect(config.children == [ChildConfig(name: "Mia", birthday: .once(year: 2019, month: 4, day: 2)),
                                    ChildConfig(name: "Leo", birthday: .yearly(month: 11, day: 9))])
        #expect(config.occasions == [OccasionConfig(name: "the first day of school", date: .yearly(month: 9, day: 1),
                                                    child: "Mia", window: DayWindow(daysBefore: 3, daysAfter: 0))])
        let kid = try #require(config.kidDates)
        #expect(kid.enabled)
        #expect(kid.between.description == "15:00..18:00")
        #expect(kid.days.description == "Sat,Sun")
        #expect(kid.every == .days(21))
        #expect(kid.birthdayWindow == DayWindow(daysBefore: 5, daysAfter: 1))
        #expect(kid.messages == ["Time with {child} for {occasion}?"])
        #expect(kid.channels == [.console])
    }

    @Test func fillsInDefaults() throws {
        let config = try ConfigLoader.load(text: """
            [[checkin]]
            id = "b"
            title = "B"
            messages = ["m"]
            when = "daily"
            """, path: "min.toml")
        #expect(config.timezone == nil)
        #expect(config.quietHours == nil)
        #expect(config.maxPerDay == GentleConfig.defaultMaxPerDay)
        #expect(config.minSpacing == GentleConfig.defaultMinSpacing)
        #expect(config.staleAfter == GentleConfig.defaultStaleAfter)
        #expect(config.seed == nil)
        #expect(config.backoffMax == GentleConfig.defaultBackoffMax)
        #expect(config.desktop == DesktopSettings())
        #expect(config.email == nil)
        #expect(config.kidDates == nil)
    }

    @Test func serverDecidesExpiryWhenAsked() throws {
        let config = try ConfigLoader.load(text: """
            [desktop]
            expire_timeout = "server"
            [kid_dates]
            between = "15:00..18:00"
            messages = ["Time with {child}?"]
            """, path: "k.toml")
        #expect(config.desktop.expireTimeout == nil)
        #expect(config.kidDates?.every == nil)
        #expect(config.kidDates?.birthdayWindow == DayWindow(daysBefore: 7, daysAfter: 0))
    }

    @Test func acceptsCheckinsWrittenAsInlineTables() throws {
        let text = """
            checkin = [
              { id = "a", title = "A", messages = ["m"], when = "daily" },
              { id = "a", title = "B", messages = ["m"], when = "daily" },
            ]
            """
        let errors = try #require(loadErrors(text, path: "i.toml"))
        #expect(errors.map(\.description) == [
            "i.toml:3:10: the id \"a\" is already used by the check-in at line 2; give each check-in its own id",
        ])
    }

    @Test func reportsEveryProblemInFileOrder() throws {
        let text = """
            max_per_day = 0
            [[checkin]]
            id = "x"
            title = "X"
            messages = [""]
            when = "nope"
            colour = "blue"
            """
        let errors = try #require(loadErrors(text, path: "c.toml"))
        #expect(errors.map { "\($0.line ?? 0):\($0.column ?? 0)" } == ["1:15", "5:13", "6:8", "7:1"])
        #expect(errors.allSatisfy { $0.file == "c.toml" })
    }

    @Test func neverEchoesAnInlinePassword() throws {
        for value in ["\"\"", "12345", "[\"hunter2\"]", "\"hunter2\"\npassword_file = \"/x\""] {
            let text = """
                [[checkin]]
                id = "x"
                title = "X"
                messages = ["m"]
                when = "daily"
                [email]
                to = "a@example.org"
                from = "b@example.org"
                url = "smtp://mail.example.org"
                password = \(value)
                """
            let errors = try #require(loadErrors(text, path: "p.toml"))
            #expect(!errors.isEmpty)
            for e in errors { #expect(!e.message.contains("hunter2") && !e.message.contains("12345")) }
        }
    }

    @Test func rejectsCalendarExpressionsTheEngineRejects() throws {
        let text = """
            [[checkin]]
            id = "x"
            title = "X"
            messages = ["m"]
            when = ["daily", "Funday 25:00"]
            """
        let errors = try #require(loadErrors(text, path: "w.toml"))
        #expect(errors.count == 1)
        #expect(errors.first?.position == SourcePosition(line: 5, column: 18))
        #expect(errors.first?.message.hasPrefix("\"Funday 25:00\" is not a calendar expression") == true)
    }

    @Test func timeZoneFromTheDatabaseIsAccepted() throws {
        for zone in ["UTC", "America/New_York", "Australia/Lord_Howe"] {
            let config = try ConfigLoader.load(text: "timezone = \"\(zone)\"\n[kid_dates]\nbetween = \"15:00..18:00\"\nmessages = [\"m\"]", path: "z.toml")
            #expect(config.timezone == zone)
        }
    }

    @Test func exampleConfigLoads() throws {
        let path = PackagePaths.root + "/config.example.toml"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let config = try ConfigLoader.load(text: text, path: path)
        #expect(config.checkins.count >= 8)
        #expect(config.checkins.allSatisfy { $0.messages.count >= 3 && $0.channels == [.desktop, .console] })
        #expect(config.email == nil)
        #expect(config.kidDates?.enabled == true)
        #expect(config.maxPerDay <= 4)
        let lower = text.lowercased()
        for word in ["streak", "missed", "failed to", "you forgot"] { #expect(!lower.contains(word)) }
    }
}

/// The errors loading `text` reported, or nil when it loaded.
func loadErrors(_ text: String, path: String) -> [ConfigError]? {
    do {
        _ = try ConfigLoader.load(text: text, path: path)
        return nil
    } catch {
        return error.errors
    }
}
