import Foundation

extension ConfigBuilder {
    static let checkinKeys = [
        "id", "title", "messages", "when", "times_per_day", "between", "days", "jitter", "channels", "actions",
        "ask", "in_quiet_hours", "stale_after", "urgency", "enabled",
    ]
    static let jitterRange = GentleDuration(seconds: 1)...GentleDuration.hours(12)
    static let snoozeRange = GentleDuration.minutes(1)...GentleDuration.days(1)

    func readCheckins(_ tables: [TableReader], globals: GentleConfig, hasEmailTable: Bool) -> [CheckinConfig] {
        var firstLine: [String: Int] = [:]
        var checkins: [CheckinConfig] = []
        for table in tables {
            let id = readCheckinID(table, firstLine: &firstLine)
            let t = id.map { table.labelled("[[checkin]] \"\($0)\"") } ?? table
            t.rejectUnknownKeys(Self.checkinKeys)
            t.require("title", write: "title = \"Take a breath\"", known: Self.checkinKeys)
            let title = t.string("title", example: "\"Take a breath\"", singleLine: true)
            t.require("messages", write: "messages = [\"Take one slow breath.\", \"Shoulders down, jaw soft.\"]", known: Self.checkinKeys)
            let messages = readMessages(t, example: "[\"Take one slow breath.\"]")
            let cadence = readCadence(t, globals: globals)
            let jitter = t.duration("jitter", range: Self.jitterRange, example: "10m", zeroHint: "or leave it out for none")
            let channels = readChannels(t, hasEmailTable: hasEmailTable)
            let actions = readActions(t)
            let ask = t.string("ask", example: "\"What helped?\"")
            let quiet = t.choice("in_quiet_hours", QuietHoursPolicy.self)
            let stale = t.duration("stale_after", range: Self.staleAfterRange, example: "2h")
            let urgency = t.choice("urgency", Urgency.self)
            let enabled = t.bool("enabled")
            guard let id, let title, let messages, let cadence else { continue }
            checkins.append(CheckinConfig(
                id: id, title: title, messages: messages, cadence: cadence, jitter: jitter,
                channels: channels ?? CheckinConfig.defaultChannels, actions: actions ?? CheckinConfig.defaultActions,
                ask: ask, inQuietHours: quiet ?? .defer, staleAfter: stale, urgency: urgency, enabled: enabled ?? true))
        }
        return checkins
    }

    private func readCheckinID(_ t: TableReader, firstLine: inout [String: Int]) -> String? {
        t.require("id", write: "id = \"breathe\" (a short name for the log and the command line)", known: Self.checkinKeys)
        guard let id = t.string("id", example: "\"breathe\"") else { return nil }
        guard CheckinID.isValid(id) else {
            let slug = Self.slug(id)
            let fix = CheckinID.isValid(slug) ? "; write id = \"\(slug)\"" : ""
            t.errorAtValue("id", "\"id\" must be lower-case letters, digits, \"-\" or \"_\" (at most 64, starting with a letter or digit), got \"\(TOMLNode.shortened(id))\"\(fix)")
            return nil
        }
        guard id != kidDateCheckinID else {
            t.errorAtValue("id", "the id \"\(id)\" is reserved for kid-date suggestions; pick another id for this check-in")
            return nil
        }
        if let line = firstLine[id] {
            t.errorAtValue("id", "the id \"\(id)\" is already used by the check-in at line \(line); give each check-in its own id")
            return nil
        }
        firstLine[id] = t.valuePosition("id").line
        return id
    }

    static func slug(_ text: String) -> String {
        var out = ""
        for scalar in text.lowercased().unicodeScalars {
            let ok = (scalar >= "a" && scalar <= "z") || (scalar >= "0" && scalar <= "9") || scalar == "_"
            if ok { out.unicodeScalars.append(scalar) } else if !out.isEmpty && !out.hasSuffix("-") { out += "-" }
        }
        while out.hasSuffix("-") { out.removeLast() }
        return String(out.prefix(64))
    }

    func readMessages(_ t: TableReader, example: String) -> [String]? {
        guard let items = t.stringList("messages", example: example) else { return nil }
        guard !items.isEmpty else {
            t.errorAtValue("messages", "\"messages\" is empty; add at least one wording, like messages = \(example)")
            return nil
        }
        var ok = true
        for (i, item) in items.enumerated() where item.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            t.error(item.position, "wording \(i + 1) of \"messages\" is empty; write a few words there or remove it")
            ok = false
        }
        return ok ? items.map(\.text) : nil
    }

    // MARK: - Cadence

    private func readCadence(_ t: TableReader, globals: GentleConfig) -> Cadence? {
        let hasWhen = t.contains("when")
        let hasTimes = t.contains("times_per_day")
        if hasWhen && hasTimes {
            let later = max(t.keyPosition("when"), t.keyPosition("times_per_day"))
            t.error(later, "\(t.label) has both \"when\" and \"times_per_day\"; keep one: when = \"Mon..Fri 09:00\" for set times, or times_per_day with between for random moments")
            return nil
        }
        if hasWhen {
            for key in ["between", "days"] where t.contains(key) {
                t.error(t.keyPosition(key), "\"\(key)\" only goes with \"times_per_day\"; with \"when\", put days and times in the expression itself, like when = \"Mon..Fri 09:00\"")
            }
            return readWhen(t)
        }
        if hasTimes { return readWindow(t, globals: globals) }
        if t.contains("between") || t.contains("days") {
            let key = t.contains("between") ? "between" : "days"
            t.error(t.keyPosition(key), "\"\(key)\" needs \"times_per_day\", how many moments to pick; add times_per_day = 2")
        } else if !t.hasMisspelling(of: "when", known: Self.checkinKeys)
                    && !t.hasMisspelling(of: "times_per_day", known: Self.checkinKeys) {
            t.error(t.position, "\(t.label) has no cadence; add when = \"Mon..Fri 09:00\" for set times, or times_per_day = 2 with between = \"09:00..20:00\" for random moments")
        }
        return nil
    }

    private func readWhen(_ t: TableReader) -> Cadence? {
        let example = "\"Mon..Fri 09:00\""
        var expressions: [(text: String, position: SourcePosition)] = []
        if case .array? = t.values["when"] {
            guard let items = t.stringList("when", example: "[\(example), \"Sat,Sun 10:00\"]") else { return nil }
            guard !items.isEmpty else {
                t.errorAtValue("when", "\"when\" is an empty list; add at least one time, like when = [\(example)]")
                return nil
            }
            expressions = items
        } else {
            guard let text = t.string("when", example: example) else { return nil }
            expressions = [(text, t.valuePosition("when"))]
        }
        var specs: [CalendarSpec] = []
        for expression in expressions {
            do {
                specs.append(try CalendarSpec(parsing: expression.text))
            } catch {
                t.error(expression.position, "\"\(TOMLNode.shortened(expression.text))\" is not a calendar expression gentle understands; write it like \"Mon..Fri 09:00\", \"Sat,Sun 10:30\" or \"*-*-* 08:00\" (try it with: gentle calendar \"…\")")
            }
        }
        return specs.count == expressions.count ? .calendar(specs) : nil
    }

    private func readWindow(_ t: TableReader, globals: GentleConfig) -> Cadence? {
        let times = t.integer("times_per_day", range: 1...48, example: 2)
        if !t.contains("between") && !t.hasMisspelling(of: "between", known: Self.checkinKeys) {
            t.error(t.keyPosition("times_per_day"), "\"times_per_day\" needs \"between\", the span to pick the moments in; add between = \"09:00..20:00\"")
        }
        let between = t.timeRange("between", example: "09:00..20:00")
        let days = t.weekdays("days")
        guard let times, let between else { return nil }
        let window = RandomWindow(timesPerDay: times, between: between, days: days ?? .all)
        guard checkWindow(window, t, countKey: "times_per_day", globals: globals) else { return nil }
        return .window(window)
    }

    /// The rules that make a random window impossible: more moments than the window, the daily
    /// limit or the spacing allows, or a window that lies wholly in quiet hours.
    func checkWindow(_ window: RandomWindow, _ t: TableReader, countKey: String?, globals: GentleConfig) -> Bool {
        let length = window.between.lengthInMinutes
        let n = window.timesPerDay
        if let key = countKey {
            if n > length {
                t.errorAtValue(key, "\(n) moments don't fit in the \(length) minutes of \(window.between); lower \"\(key)\" or widen \"between\"")
                return false
            }
            if n > globals.maxPerDay {
                t.errorAtValue(key, "\"\(key)\" is \(n), more than max_per_day = \(globals.maxPerDay) lets through, so some would be let go every day; lower it to \(globals.maxPerDay) or raise max_per_day")
                return false
            }
            let spacing = Int(globals.minSpacing.seconds / 60)
            if spacing > 0, (n - 1) * spacing > length {
                let fit = length / spacing + 1
                t.errorAtValue(key, "\(n) moments in \(window.between) can't be min_spacing = \(globals.minSpacing) apart (at most \(fit) fit); lower \"\(key)\" or widen \"between\"")
                return false
            }
        }
        if let quiet = globals.quietHours,
           (0..<length).allSatisfy({ quiet.contains(minuteOfDay: (window.between.start.minuteOfDay + $0) % 1440) }) {
            t.errorAtValue("between", "\"between\" \(window.between) lies entirely inside quiet_hours \(quiet), so nothing here would ever come at its time; move it outside quiet hours")
            return false
        }
        return true
    }

    // MARK: - Channels and actions

    func readChannels(_ t: TableReader, hasEmailTable: Bool) -> [Channel]? {
        guard let items = t.stringList("channels", example: "[\"desktop\", \"console\"]") else { return nil }
        guard !items.isEmpty else {
            t.errorAtValue("channels", "\"channels\" is empty; list at least one, like channels = [\"desktop\", \"console\"]")
            return nil
        }
        let names = Channel.allCases.map(\.rawValue)
        var channels: [Channel] = []
        var ok = true
        for item in items {
            guard let channel = Channel(rawValue: item.text) else {
                let hint = Suggestion.closest(to: item.text, in: names).map { "did you mean \"\($0)\"?" }
                    ?? "channels are \"desktop\", \"email\" and \"console\""
                t.error(item.position, "unknown channel \"\(TOMLNode.shortened(item.text))\"; \(hint)")
                ok = false
                continue
            }
            if channels.contains(channel) {
                t.error(item.position, "channel \"\(channel.rawValue)\" is listed twice; list each channel once")
                ok = false
                continue
            }
            if channel == .email && !hasEmailTable {
                t.error(item.position, "channel \"email\" needs an [email] table; add one (config.example.toml has a commented example) or remove \"email\" here")
                ok = false
                continue
            }
            channels.append(channel)
        }
        return ok ? channels : nil
    }

    private func readActions(_ t: TableReader) -> [CheckinAction]? {
        let example = "[\"done\", \"not-now\", \"snooze:30m\"]"
        guard let items = t.stringList("actions", example: example) else { return nil }
        guard !items.isEmpty else {
            t.errorAtValue("actions", "\"actions\" is empty; list the buttons to offer, like actions = \(example)")
            return nil
        }
        var actions: [CheckinAction] = []
        var ok = true
        for item in items {
            if let problem = actionProblem(item.text, already: actions) {
                t.error(item.position, problem)
                ok = false
            } else if let action = CheckinAction(key: item.text) {
                actions.append(action)
            }
        }
        return ok ? actions : nil
    }

    private func actionProblem(_ key: String, already: [CheckinAction]) -> String? {
        let shown = TOMLNode.shortened(key)
        guard let action = CheckinAction(key: key) else {
            if key.lowercased().hasPrefix("snooze") {
                return "\"\(shown)\" needs a duration with a unit, at least 1m, like \"snooze:30m\""
            }
            let hint = Suggestion.closest(to: key, in: ["done", "not-now", "snooze:30m"]).map { "did you mean \"\($0)\"? " } ?? ""
            return "unknown action \"\(shown)\"; \(hint)actions are \"done\", \"not-now\" and \"snooze:DURATION\" (like \"snooze:30m\")"
        }
        switch action {
        case .opened:
            return "\"opened\" is recorded when a notification is opened and can't be a button; use \"done\", \"not-now\" or \"snooze:30m\""
        case .tookIt, .notThisTime, .closerToTheDay:
            return "\"\(key)\" is a reply to kid-date suggestions; check-ins offer \"done\", \"not-now\" and \"snooze:DURATION\""
        case .snooze(let d) where d > Self.snoozeRange.upperBound:
            return "\"\(shown)\" snoozes for longer than \(Self.snoozeRange.upperBound); snooze for at most a day, like \"snooze:2h\""
        case .done, .notNow, .snooze:
            if already.contains(action) { return "action \"\(action.key)\" is listed twice; list each button once" }
            return nil
        }
    }
}
