import Foundation

/// A `LogSummary` in plain, calm sentences for a terminal:
///
///     Wed 19 Nov – Tue 25 Nov 2026
///
///     You took a moment for “Breathe” 4 times and for “One good thing” twice.
///     You had a kid date with Mia on Sunday 23 November (First day of school).
///
///     What you wrote:
///       Sun 23 Nov
///         16:05  Kid date with Mia: ice cream by the river
///
/// Days with nothing are not mentioned. Nothing counts what did not happen. Delivery trouble,
/// if any, comes last, as a practical line: it is about the machine, never about the parent.
public struct LogSummaryText: Sendable {
    public var timeZone: TimeZone
    /// Check-in id → title, from the config when it could be read; ids stand in otherwise.
    public var titles: [String: String]
    /// Kid dates listed one by one up to this many; beyond it, one sentence names the children.
    public var kidDatesListedSeparately = 6
    /// Sentences and notes are wrapped to this many characters (notes keep their own line breaks).
    public var width = 80

    public init(timeZone: TimeZone, titles: [String: String] = [:]) {
        self.timeZone = timeZone
        self.titles = titles
    }

    public func render(_ summary: LogSummary) -> String {
        let dates = LogDateText(timeZone: timeZone)
        var out = ""
        let span = dates.span(from: summary.start, to: summary.end)
        out += (summary.checkin.map { quoted($0) + ", " } ?? "") + span + "\n\n"

        if summary.hasNothingToTell {
            out += summary.checkin == nil ? "Nothing in the log for these days.\n"
                                          : "Nothing for \(quoted(summary.checkin ?? "")) in these days.\n"
        } else {
            for sentence in sentences(summary, dates) {
                for line in Self.wrap(sentence, width: width, indent: "") { out += line + "\n" }
            }
        }
        if !summary.notes.isEmpty {
            out += "\n" + notesSection(summary.notes, dates)
        }
        if summary.undelivered > 0 {
            let count = summary.undelivered == 1 ? "One check-in" : "\(summary.undelivered) check-ins"
            let sentence = "\(count) could not reach you in time; `gentle log --csv` shows why, in its error and reason columns."
            out += "\n" + Self.wrap(sentence, width: width, indent: "").map { $0 + "\n" }.joined()
        }
        return out
    }

    private func sentences(_ summary: LogSummary, _ dates: LogDateText) -> [String] {
        var lines: [String] = []
        if !summary.moments.isEmpty {
            let parts = summary.moments.enumerated().map { index, moment in
                (index == 0 ? "" : "for ") + quoted(moment.checkin) + " " + Self.times(moment.count)
            }
            lines.append("You took a moment for " + Self.list(parts) + ".")
        }
        if summary.kidDates.count > kidDatesListedSeparately {
            var children: [String] = []
            for date in summary.kidDates { if let c = date.child, !children.contains(c) { children.append(c) } }
            lines.append("You had \(summary.kidDates.count) kid dates"
                         + (children.isEmpty ? "." : ", with " + Self.list(children.map(clean)) + "."))
        } else {
            for date in summary.kidDates {
                var sentence = "You had a kid date" + (date.child.map { " with " + clean($0) } ?? "")
                sentence += " on " + dates.longDay(dates.day(of: date.at))
                if let occasion = date.occasion { sentence += " (" + clean(LogSummary.occasionName(occasion)) + ")" }
                lines.append(sentence + ".")
            }
        }
        for later in summary.closerToTheDay {
            let what = later.occasion.map { clean(LogSummary.occasionName($0)) }
                ?? later.child.map { "a kid date with " + clean($0) } ?? "a kid date"
            lines.append("You asked to hear about \(what) again closer to the day.")
        }
        if summary.saidNotNow {
            lines.append("Some moments were not the right time, and you said so. That is an answer too.")
        }
        for pause in summary.pauses {
            var sentence = "You paused check-ins on " + dates.longDay(dates.day(of: pause.at))
            if let until = pause.until {
                sentence += " until " + dates.longDay(dates.day(of: until)) + ", " + dates.time(until)
            }
            lines.append(sentence + ".")
        }
        return lines
    }

    private func notesSection(_ notes: [LogSummary.Note], _ dates: LogDateText) -> String {
        var out = "What you wrote:\n"
        var currentDay: Int64?
        for note in notes {
            let day = dates.day(of: note.at)
            if day != currentDay {
                out += "  " + dates.shortDay(day) + "\n"
                currentDay = day
            }
            let prefix = "    " + dates.time(note.at) + "  "
            let label: String
            if note.checkin == kidDateCheckinID {
                label = "Kid date" + (note.child.map { " with " + clean($0) } ?? "")
            } else {
                label = note.checkin.map(title) ?? "A reply"
            }
            let indent = String(repeating: " ", count: prefix.count + 2)
            let paragraphs = clean(note.text).split(separator: "\n", omittingEmptySubsequences: false)
            for (index, paragraph) in paragraphs.enumerated() {
                let text = index == 0 ? prefix + label + ": " + paragraph : indent + paragraph
                for line in Self.wrap(text, width: width, indent: indent) { out += line + "\n" }
            }
        }
        return out
    }

    private func title(_ id: String) -> String {
        if let title = titles[id], !title.isEmpty { return clean(title) }
        return id == kidDateCheckinID ? "Kid date" : clean(id)
    }

    private func quoted(_ id: String) -> String { "“" + title(id) + "”" }

    /// The log's text goes to a terminal: control characters (escape sequences) are dropped,
    /// line breaks kept.
    private func clean(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: Self.isControl) else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.filter { !Self.isControl($0) }))
    }

    private static func isControl(_ s: Unicode.Scalar) -> Bool {
        s != "\n" && (s.value < 0x20 || (0x7F...0x9F).contains(s.value))
    }

    /// Breaks `text` at spaces so lines stay within `width` characters where words allow;
    /// lines after the first start with `indent`. A word longer than the width stays whole.
    static func wrap(_ text: String, width: Int, indent: String) -> [String] {
        guard text.count > width else { return [text.trimmingTrailingSpaces()] }
        var lines: [String] = []
        var line = ""
        var lineLength = 0
        var hasWord = false
        // Leading spaces of the first line (the notes' own indentation) are kept as they are.
        let lead = text.prefix { $0 == " " }
        line = String(lead)
        lineLength = lead.count
        for word in text.dropFirst(lead.count).split(separator: " ", omittingEmptySubsequences: false) {
            if hasWord && lineLength + 1 + word.count > width {
                lines.append(line)
                line = indent + word
                lineLength = indent.count + word.count
            } else {
                if hasWord { line += " "; lineLength += 1 }
                line += word
                lineLength += word.count
            }
            hasWord = true
        }
        lines.append(line)
        return lines.map { $0.trimmingTrailingSpaces() }
    }

    static func times(_ n: Int) -> String {
        switch n {
        case 1: return "once"
        case 2: return "twice"
        default: return "\(n) times"
        }
    }

    /// "a", "a and b", "a, b and c".
    static func list(_ items: [String]) -> String {
        guard items.count > 1, let last = items.last else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " and " + last
    }
}

private extension StringProtocol {
    func trimmingTrailingSpaces() -> String {
        var end = endIndex
        while end > startIndex, self[index(before: end)] == " " { end = index(before: end) }
        return String(self[startIndex..<end])
    }
}
