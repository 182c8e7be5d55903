import Foundation

/// Reads the parsed document table by table into a `GentleConfig`, reporting every problem.
/// Returns nil when anything was wrong (the diagnostics then hold the reasons).
struct ConfigBuilder {
    let path: String
    let diagnostics: ConfigDiagnostics

    static let rootKeys = [
        "timezone", "quiet_hours", "max_per_day", "min_spacing", "stale_after", "seed", "backoff_max",
        "desktop", "email", "checkin", "child", "occasion", "kid_dates",
    ]

    /// Bounds that keep a typo ("45h" for "45m") from turning into a silent, strange schedule.
    static let minSpacingRange = GentleDuration.zero...GentleDuration.hours(12)
    static let staleAfterRange = GentleDuration.minutes(1)...GentleDuration.days(2)
    static let maxPerDayRange = 1...100_000
    static let backoffRange = 0...20

    func build(root values: [String: TOMLNode]) -> GentleConfig? {
        let root = TableReader(label: "the top level", path: .root, values: values, diagnostics: diagnostics)
        root.rejectUnknownKeys(Self.rootKeys)

        var config = GentleConfig(sourcePath: path)
        readGlobals(root, into: &config)
        if let desktop = root.table("desktop", label: "[desktop]") { config.desktop = readDesktop(desktop) }
        let email = root.table("email", label: "[email]")
        config.email = email.flatMap(readEmail)
        // Written at all (even if wrongly): its own errors say what is wrong with it.
        let hasEmailTable = root.contains("email")

        let children = root.tables("child", label: "[[child]]") ?? []
        config.children = readChildren(children)
        let checkins = root.tables("checkin", label: "[[checkin]]") ?? []
        config.checkins = readCheckins(checkins, globals: config, hasEmailTable: hasEmailTable)
        let occasions = root.tables("occasion", label: "[[occasion]]") ?? []
        config.occasions = readOccasions(occasions, children: config.children)
        let kidDates = root.table("kid_dates", label: "[kid_dates]")
        config.kidDates = kidDates.flatMap { readKidDates($0, globals: config, hasEmailTable: hasEmailTable) }

        if !root.contains("checkin") && !root.contains("kid_dates")
            && !root.hasMisspelling(of: "checkin", known: Self.rootKeys)
            && !root.hasMisspelling(of: "kid_dates", known: Self.rootKeys) {
            root.error(.start, "there are no check-ins and no kid dates, so gentle would have nothing to offer; add a [[checkin]] table (config.example.toml has several to start from)")
        }
        return diagnostics.isEmpty ? config : nil
    }

    private func readGlobals(_ root: TableReader, into config: inout GentleConfig) {
        if let zone = root.string("timezone", example: "\"Europe/Berlin\"") {
            if TimeZone(identifier: zone) != nil {
                config.timezone = zone
            } else {
                let hint = Suggestion.closest(to: zone, in: TimeZone.knownTimeZoneIdentifiers)
                    .map { "did you mean \"\($0)\"?" } ?? "write an IANA name like \"Europe/Berlin\" or \"America/New_York\", or leave it out to use the system's zone"
                root.errorAtValue("timezone", "unknown time zone \"\(TOMLNode.shortened(zone))\"; \(hint)")
            }
        }
        config.quietHours = root.timeRange("quiet_hours", example: "21:30..07:00")
        if let n = root.integer("max_per_day", range: Self.maxPerDayRange, example: GentleConfig.defaultMaxPerDay,
                                why: "to pause gentle, run \"gentle pause\" or set enabled = false on check-ins") {
            config.maxPerDay = n
        }
        if let d = root.duration("min_spacing", range: Self.minSpacingRange, example: "45m") { config.minSpacing = d }
        if let d = root.duration("stale_after", range: Self.staleAfterRange, example: "2h") { config.staleAfter = d }
        if let seed = root.integer("seed", range: 0...Int.max, example: 42) { config.seed = UInt64(seed) }
        if let n = root.integer("backoff_max", range: Self.backoffRange, example: GentleConfig.defaultBackoffMax) {
            config.backoffMax = n
        }
    }

    private func readDesktop(_ t: TableReader) -> DesktopSettings {
        t.rejectUnknownKeys(["expire_timeout", "urgency", "category", "desktop_entry"])
        var settings = DesktopSettings()
        if case .string("server")? = t.values["expire_timeout"] {
            settings.expireTimeout = nil
        } else if let d = t.duration("expire_timeout", range: .zero...GentleDuration.days(1), example: "10m") {
            settings.expireTimeout = d
        }
        if let u = t.choice("urgency", Urgency.self) { settings.urgency = u }
        if let c = identifierLike(t, "category", example: "\"x-gentle.checkin\"") { settings.category = c }
        if let e = identifierLike(t, "desktop_entry", example: "\"gentle\"") { settings.desktopEntry = e }
        return settings
    }

    /// A non-empty string without spaces or control characters (hint names for the server).
    private func identifierLike(_ t: TableReader, _ key: String, example: String) -> String? {
        guard let s = t.string(key, example: example) else { return nil }
        guard !s.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F }) else {
            t.errorAtValue(key, "\"\(key)\" must be one word without spaces, got \"\(TOMLNode.shortened(s))\"; write \(key) = \(example)")
            return nil
        }
        return s
    }

    private func readChildren(_ tables: [TableReader]) -> [ChildConfig] {
        var children: [ChildConfig] = []
        var firstLine: [String: Int] = [:]
        for t in tables {
            t.rejectUnknownKeys(["name", "birthday"])
            t.require("name", write: "name = \"Mia\"", known: ["name", "birthday"])
            let name = t.string("name", example: "\"Mia\"", singleLine: true)
            let birthday = t.dayOrDate("birthday", example: "2019-04-02")
            guard let name else { continue }
            if let line = firstLine[name] {
                t.errorAtValue("name", "a [[child]] named \"\(TOMLNode.shortened(name))\" is already listed at line \(line); give each child one entry")
                continue
            }
            firstLine[name] = t.valuePosition("name").line
            children.append(ChildConfig(name: name, birthday: birthday))
        }
        return children
    }
}
