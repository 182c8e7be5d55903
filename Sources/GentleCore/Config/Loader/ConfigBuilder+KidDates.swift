import Foundation

extension ConfigBuilder {
    static let kidDateKeys = ["enabled", "between", "days", "every", "birthday_window", "messages", "channels"]
    static let occasionKeys = ["name", "date", "child", "window"]
    static let everyRange = GentleDuration.days(1)...GentleDuration.days(366)
    static let placeholders = ["{child}", "{occasion}"]

    func readOccasions(_ tables: [TableReader], children: [ChildConfig]) -> [OccasionConfig] {
        var occasions: [OccasionConfig] = []
        var firstLine: [String: Int] = [:]
        let names = children.map(\.name)
        for t in tables {
            t.rejectUnknownKeys(Self.occasionKeys)
            t.require("name", write: "name = \"First day of school\"", known: Self.occasionKeys)
            t.require("date", write: "date = \"2026-09-01\" (or \"09-01\" for every year)", known: Self.occasionKeys)
            let name = t.string("name", example: "\"First day of school\"", singleLine: true)
            let date = t.dayOrDate("date", example: "2026-09-01")
            let window = t.dayWindow("window", example: "-7d..+1d")
            var child: String?
            if let c = t.string("child", example: "\"Mia\"", singleLine: true) {
                if names.contains(c) {
                    child = c
                } else {
                    let hint = Suggestion.closest(to: c, in: names).map { "did you mean \"\($0)\"?" }
                        ?? (names.isEmpty ? "add a [[child]] with name = \"\(TOMLNode.shortened(c))\""
                            : "the children are " + names.map { "\"\($0)\"" }.joined(separator: ", "))
                    t.errorAtValue("child", "there is no [[child]] named \"\(TOMLNode.shortened(c))\"; \(hint)")
                }
            }
            guard let name, let date else { continue }
            let key = "\(name)@\(date)"
            if let line = firstLine[key] {
                t.errorAtValue("name", "the occasion \"\(TOMLNode.shortened(name))\" on \(date) is already listed at line \(line); list it once")
                continue
            }
            firstLine[key] = t.valuePosition("name").line
            occasions.append(OccasionConfig(name: name, date: date, child: child,
                                            window: window ?? DayWindow(daysBefore: 3, daysAfter: 1)))
        }
        return occasions
    }

    func readKidDates(_ t: TableReader, globals: GentleConfig, hasEmailTable: Bool) -> KidDateSettings? {
        t.rejectUnknownKeys(Self.kidDateKeys)
        let enabled = t.bool("enabled")
        t.require("between", write: "between = \"15:00..19:00\" (when a suggestion may arrive)", known: Self.kidDateKeys)
        let between = t.timeRange("between", example: "15:00..19:00")
        let days = t.weekdays("days")
        let every = t.duration("every", range: Self.everyRange, example: "2w")
        let birthdayWindow = t.dayWindow("birthday_window", example: "-7d..+0d")
        t.require("messages", write: "messages = [\"Some 1:1 time with {child} around {occasion}? A walk is plenty.\"]", known: Self.kidDateKeys)
        let messages = readMessages(t, example: "[\"A little 1:1 time with {child}? A walk is plenty.\"]")
        if let messages {
            for (i, message) in messages.enumerated() {
                for unknown in Self.unknownPlaceholders(in: message) {
                    let hint = Suggestion.closest(to: unknown, in: Self.placeholders).map { "did you mean \"\($0)\"?" }
                        ?? "the placeholders are {child} and {occasion}"
                    t.error(t.elementPosition("messages", i), "wording \(i + 1) of \"messages\" has the unknown placeholder \"\(unknown)\"; \(hint)")
                }
            }
        }
        let channels = readChannels(t, hasEmailTable: hasEmailTable)
        guard let between, let messages else { return nil }
        let window = RandomWindow(timesPerDay: 1, between: between, days: days ?? .all)
        guard checkWindow(window, t, countKey: nil, globals: globals) else { return nil }
        return KidDateSettings(
            enabled: enabled ?? true, between: between, days: days ?? .all, every: every,
            birthdayWindow: birthdayWindow ?? DayWindow(daysBefore: 7, daysAfter: 0), messages: messages,
            channels: channels ?? CheckinConfig.defaultChannels)
    }

    /// `{word}` pieces that are not `{child}` or `{occasion}` (they would show up as written).
    static func unknownPlaceholders(in text: String) -> [String] {
        var found: [String] = []
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{") {
            let after = rest[rest.index(after: open)...]
            guard let close = after.firstIndex(of: "}") else { break }
            let name = after[..<close]
            let piece = "{" + name + "}"
            if !name.isEmpty, name.allSatisfy({ $0.isLetter || $0 == "_" || $0 == "-" }), !placeholders.contains(piece) {
                found.append(piece)
            }
            rest = after[after.index(after: close)...]
        }
        return found
    }
}
