/// The expressions, zones and base times the oracle suite runs through both
/// `systemd-analyze calendar` and gentle. The expected results are never written here: the
/// oracle computes them on every run.
enum CalendarOracleCases {
    struct Scenario: CustomStringConvertible, Sendable {
        var label: String
        /// `TZ` for both programs.
        var zone: String
        /// `--base-time=` value.
        var base: String
        var iterations: Int
        var expressions: [String]

        var description: String { "\(label) [TZ=\(zone) \(base)]" }
    }

    /// Everyday syntax: weekdays, dates, times, lists, ranges, steps, month ends, leap days,
    /// fractions, shorthands, epochs and zone suffixes.
    static let everyday: [String] = [
        // Weekdays
        "Mon..Fri 08:30", "Sat,Sun 10:00", "Mon,Wed,Fri 18:30", "mon-fri 9:00", "Monday 07:15",
        "Tue..Thu,Sat 12:00", "Fri,Mon", "Wed *-*-01", "Sat..Sun", "Mon,Tue,Wed,Thu,Fri,Sat,Sun 06:00",
        "Mon, 12:00", "Mon..Wed,Fri..Sun 12:00", "Fri *-*-13", "Sun *-*-* 02:30", "THURSDAY 23:59",
        "Sat,Thu,Mon..Wed,Sat..Sun", "Wed..Sat,Tue 12-10-15 1:2:3", "mon,fri *-1/2-1,3 *:30:45",
        // Dates
        "*-*-01 09:00", "*-*-15", "2025-12-25 07:00", "*-12-25", "12-25", "2030-01-01 00:00:00",
        "2025..2027-06-15", "2025/2-01-01", "25-03-15", "99-01-01", "*-*-1/30", "*-*-5..20/5",
        "*-06..08-* 07:00", "2026-*-* 12:00", "2199-12-31", "2199-12-31 23:59:59", "*-01,07-01",
        "*-1/3-1", "*-*-31", "*-*-30 23:59:59", "*-02-30", "*-04-31", "*-11/5-01", "2025-02..04-05",
        "*-*-7 0:0:0", "10-15", "monday *-12-* 17:00", "Mon,Fri *-*-3,1,2 *:30:45",
        // Leap years
        "*-02-29", "*-02-29 12:00", "2028-02-29", "2100-02-29", "Mon *-02-29", "Fri *-02-29 12:00",
        "*-02-28,29 23:00", "2024..2032/4-02-29",
        // Days from the month's end
        "*-*~01", "*-*~01 20:00", "*-02~01", "*-*~1..7", "*-*~07/2", "*-*~03/2", "*-02~01..07",
        "Mon *-*~1..7", "Fri *-*~1..7 17:00", "*-*~2,25", "2028-02~01", "*-*~05..09/2 23:30", "*~01",
        // Times
        "*:0/15", "9..17/2:00", "*-*-* 09..17:00", "*:*:*", "*:*", "*:30", "*:*:30", "*:*:0/10",
        "00:00", "23:59:59", "12:00:00.5", "*:*:1.25/0.5", "*:*:0.000001", "*:*:59.999999",
        "*:*:00.9999995", "05:40:23.4200004/3.1700005", "*:2/3", "8/10:17", "20/5:00", "*:55/4",
        "12,14,13,12:20,10,30", "12..14:10,20,30", "1..5/2:00", "00:00:00/30", "*:00/7:13", "23:*:59",
        "*:59:59", "0..23/6:0..59/30", "*:*:5..10", "*:*:0..59/7.5",
        // Shorthands
        "minutely", "hourly", "daily", "weekly", "monthly", "quarterly", "semiannually", "semi-annually",
        "biannually", "bi-annually", "yearly", "annually", "anually", "DAILY", "daily UTC",
        // Zone suffixes
        "12:00 UTC", "12:00 utc", "09:00 Europe/Berlin", "09:00 America/New_York", "07:30 Asia/Kolkata",
        "06:00 Australia/Lord_Howe", "12:00 Pacific/Chatham", "08:00 Etc/GMT-14", "08:00 EST", "10:00 GMT",
        "Mon..Fri 08:30 Europe/London", "*:0/30 Australia/Sydney", "weekly Pacific/Auckland",
        "hourly America/New_York", "monthly Asia/Kolkata", "2025-03-30 02:30 Europe/Berlin",
        "2025-10-26 02:30 Europe/Berlin", "*-*-* 00:00 America/Santiago",
        // Epochs
        "@1700000000", "@2000000000", "@ 1900000000", "@+1900000000", "Mon @1900000000", "@0",
    ]

    /// Wall-clock times around DST changes: the hours that are skipped or repeated somewhere
    /// (02:00 in Europe and North America, 02:00–03:00 in Sydney, the half hour of Lord Howe,
    /// 02:45 on the Chatham Islands, midnight in Santiago).
    static let dstProbes: [String] = [
        "hourly", "*:0/15", "*:30", "*:45", "*:0/20", "*:*:0/30", "daily", "*-*-* 00:30", "*-*-* 23:30",
        "*-*-* 23:59:59", "*-*-* 00:00:01", "*-*-* 01:00", "*-*-* 01:30", "*-*-* 01:45", "*-*-* 02:00",
        "*-*-* 02:15", "*-*-* 02:30", "*-*-* 02:45", "*-*-* 03:00", "*-*-* 03:15", "*-*-* 03:45", "*-*-* 04:00",
        "00..04:00,30", "01..03:*:00", "Sun *-*-* 02:30", "Sun 01..04:15", "*-*~01 02:30", "*-*-01..07 02:30",
        "00/2:00", "22..23,0..2:00", "*-*-* 01:59:59", "*-*-* 03:00:01", "02:30 UTC",
    ]

    /// Expressions systemd rejects (the oracle decides; the suite checks it rejects at least 40).
    static let invalid: [String] = [
        "", " ", "foo", "now", "today", "tomorrow", "yesterday", "1h", "5min", "+3h", "2h ago", "*-*-~01",
        "*-~01", "02~-1", "*:*/2", "0..59/15:*", "*-*-* 24:00", "*:60", "*:*:60", "25:00", "2200-01-01",
        "1969-12-31", "@-1", "@", "@123 foo", "@1.5", "Mond 12:00", "Sun..Mon", "Mon..", "Mon-", "Mon..Tue..Wed",
        "*-13-01", "*-00-01", "*-*-32", "*-*-00", "*-*~29", "*-*~25,28", "*-*~7..1", "12:00  UTC", " daily",
        "daily ", "*:*:3..3", "*:*:1.5..1.7", "12:00 europe/berlin", "12:00 +0100", "12:00 Z", "*:0/0",
        "99999999999:00", "*:*:99999999999999", "1,2,:00", "12:00:00.", "12.5:00", "*-*-*-*", "2025-01-01-01",
        "Mon 2025", "2025~01~01", "12:00 Mars/Phobos", "1..2..3:00", "*:1.5", "2023-11-14 22:13:20 UTC+1",
        "Nov 14 12:00:00", "12:00 CET CEST",
        "*:" + (0..<242).map { String($0 % 60) }.joined(separator: ","),
    ]

    /// Zones and the local abbreviations a suffix may name in them.
    static let localAbbreviations: [String: [String]] = [
        "Europe/Berlin": ["12:00 CET", "12:00 CEST", "daily cet", "Mon..Fri 08:30 CEST", "*:0/30 CET"],
        "America/New_York": ["12:00 EST", "12:00 EDT", "07:00 edt"],
        "Australia/Sydney": ["09:00 AEST", "09:00 AEDT"],
    ]

    /// Suffixes naming one half of the local zone, read across its DST changes.
    static let abbreviationProbes: [String: [String]] = [
        "Europe/Berlin": ["02:30 CEST", "02:30 CET", "*:30 CEST", "*:0/15 CET", "hourly CEST", "03:00 CEST"],
        "America/New_York": ["01:30 EDT", "01:30 EST", "*:30 EDT", "hourly EST"],
        "Australia/Sydney": ["02:30 AEDT", "02:30 AEST", "*:30 AEDT", "hourly AEST"],
        "Europe/London": ["01:30 BST", "01:30 GMT", "*:30 BST"],
        "Australia/Lord_Howe": ["01:45 +11", "01:45 +1030", "*:15 +11"],
        "Pacific/Chatham": ["02:45 +1345", "03:15 +1245", "*:45 +1345"],
        "America/Santiago": ["00:30 -03", "23:30 -04", "*:30 -03"],
        "America/St_Johns": ["01:30 NDT", "01:30 NST", "*:30 NDT"],
    ]

    static let everydayZones = ["UTC", "Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata",
                                "Pacific/Chatham", "Australia/Lord_Howe"]

    /// 2025-01-15 12:34:56.789 UTC (winter in the north) and 2025-07-04 03:04:05 UTC.
    static let everydayBases = ["@1736944496.789", "@1751598245"]

    /// DST changes: zone and the UTC instant of the change.
    static let transitions: [(zone: String, at: Int)] = [
        ("Europe/Berlin", 1_743_296_400), ("Europe/Berlin", 1_761_440_400),
        ("Europe/Berlin", 2_216_250_000), ("Europe/Berlin", 2_234_998_800),  // 2040: past the zone file's table
        ("America/New_York", 1_741_503_600), ("America/New_York", 1_762_063_200),
        ("Australia/Sydney", 1_743_868_800), ("Australia/Sydney", 1_759_593_600),
        ("Australia/Lord_Howe", 1_743_865_200), ("Australia/Lord_Howe", 1_759_591_800),
        ("Pacific/Chatham", 1_743_861_600), ("Pacific/Chatham", 1_758_981_600),
        ("America/Santiago", 1_743_908_400), ("America/Santiago", 1_757_217_600),
        ("Europe/London", 1_743_296_400), ("Europe/London", 1_761_440_400),
        ("America/St_Johns", 1_741_498_200), ("America/St_Johns", 1_762_057_800),
    ]

    static var scenarios: [Scenario] {
        var all: [Scenario] = []
        for zone in everydayZones {
            for base in everydayBases {
                all.append(Scenario(label: "everyday", zone: zone, base: base, iterations: 5,
                                    expressions: everyday + (localAbbreviations[zone] ?? [])))
            }
        }
        for (zone, at) in transitions {
            all.append(Scenario(label: "DST change, day before", zone: zone, base: "@\(at - 36 * 3600)",
                                iterations: 5, expressions: dstProbes + (localAbbreviations[zone] ?? [])))
            all.append(Scenario(label: "DST change, 90 minutes before", zone: zone, base: "@\(at - 90 * 60)",
                                iterations: 12, expressions: dstProbes + (abbreviationProbes[zone] ?? [])))
        }
        all.append(Scenario(label: "rejections", zone: "UTC", base: "@1736944496", iterations: 2, expressions: invalid))
        all.append(Scenario(label: "rejections", zone: "Europe/Berlin", base: "@1736944496", iterations: 2,
                            expressions: invalid))
        // TZ as glibc reads it: a leading colon, a POSIX rule string, empty (UTC).
        let ruleString = dstProbes.prefix(12) + ["12:00 CET", "12:00 CEST", "Mon..Fri 08:30", "*-*~01 02:30"]
        all.append(Scenario(label: "TZ with colon", zone: ":Europe/Berlin", base: "@1743210000", iterations: 5,
                            expressions: Array(ruleString)))
        all.append(Scenario(label: "TZ rule string", zone: "CET-1CEST,M3.5.0,M10.5.0/3", base: "@1743210000",
                            iterations: 5, expressions: Array(ruleString)))
        all.append(Scenario(label: "TZ empty", zone: "", base: "@1743210000", iterations: 5, expressions: Array(ruleString)))
        return all
    }
}
