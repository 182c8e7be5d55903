import Foundation

/// Reads one TOML table of the config: typed getters that report a precise error (and return
/// nil) when a value is missing, of the wrong type or out of range.
struct TableReader {
    /// How the table is named in messages: `[email]`, `[[checkin]]`, `the top level`.
    let label: String
    let path: ConfigKeyPath
    let values: [String: TOMLNode]
    let diagnostics: ConfigDiagnostics

    var map: SourceMap { diagnostics.map }

    /// The same table, named more precisely once its id is known: `[[checkin]] "breathe"`.
    func labelled(_ label: String) -> TableReader {
        TableReader(label: label, path: path, values: values, diagnostics: diagnostics)
    }

    /// The table's header (or inline `{`); the file's start for the top level.
    var position: SourcePosition { map.valuePosition(path) ?? .start }

    func keyPosition(_ key: String) -> SourcePosition { map.keyPosition(path.appending(key)) ?? position }
    func valuePosition(_ key: String) -> SourcePosition { map.valuePosition(path.appending(key)) ?? keyPosition(key) }
    func elementPosition(_ key: String, _ index: Int) -> SourcePosition {
        map.valuePosition(path.appending(key).appending(index: index)) ?? valuePosition(key)
    }

    func contains(_ key: String) -> Bool { values[key] != nil }

    func error(_ position: SourcePosition, _ message: String) { diagnostics.add(position, message) }
    func errorAtValue(_ key: String, _ message: String) { diagnostics.add(valuePosition(key), message) }

    /// Reports every key not in `known`, with the closest known one as a suggestion. A key that
    /// belongs at the top level (written after a table header by mistake) gets told so.
    func rejectUnknownKeys(_ known: [String]) {
        for key in values.keys.sorted() where !known.contains(key) {
            let hint: String
            if path != .root, ConfigBuilder.rootKeys.contains(key) {
                hint = "\"\(key)\" belongs at the top level; move it above the first [table] header"
            } else if let close = Suggestion.closest(to: key, in: known) {
                hint = "did you mean \"\(close)\"?"
            } else {
                hint = "the keys here are " + known.joined(separator: ", ")
            }
            let place = path == .root ? "at the top level" : "in \(label)"
            error(keyPosition(key), "unknown key \"\(TOMLNode.shortened(key))\" \(place); \(hint)")
        }
    }

    /// Whether an unknown key here looks like a typo of `key` (then "missing key" errors about
    /// it would only repeat the "did you mean" one).
    func hasMisspelling(of key: String, known: [String]) -> Bool {
        values.keys.contains { !known.contains($0) && Suggestion.closest(to: $0, in: known) == key }
    }

    /// Reports a missing key at the table's header; `write` is an example line to add.
    @discardableResult
    func require(_ key: String, write: String, known: [String] = []) -> Bool {
        guard values[key] == nil else { return true }
        if hasMisspelling(of: key, known: known) { return false }
        error(position, "\(label) has no \"\(key)\"; add \(write)")
        return false
    }

    // MARK: - Scalars

    func string(_ key: String, example: String, secret: Bool = false, allowEmpty: Bool = false,
                singleLine: Bool = false) -> String? {
        guard let node = values[key] else { return nil }
        guard case .string(let s) = node else {
            errorAtValue(key, "\"\(key)\" must be a string in quotes, got \(node.described(secret: secret)); write \(key) = \(quotedSuggestion(node, example: example, secret: secret))")
            return nil
        }
        if !allowEmpty && s.trimmingCharacters(in: .whitespaces).isEmpty {
            errorAtValue(key, "\"\(key)\" is empty; write \(key) = \(example)")
            return nil
        }
        if singleLine && s.unicodeScalars.contains(where: { $0 == "\n" || $0 == "\r" }) {
            errorAtValue(key, "\"\(key)\" must be a single line, but it contains a line break (CR or LF); write it on one line, like \(key) = \(example)")
            return nil
        }
        return s
    }

    /// A TOML time or number the parent meant as text: suggest the same thing in quotes.
    private func quotedSuggestion(_ node: TOMLNode, example: String, secret: Bool) -> String {
        if secret { return example }
        switch node {
        case .time(let t): return "\"" + String(t.prefix(5)) + "\""
        case .integer(let i): return "\"\(i)\""
        case .array(let items) where items.count == 1:
            if case .string(let s) = items[0] { return "\"" + TOMLNode.shortened(s) + "\"" }
            return example
        default: return example
        }
    }

    func integer(_ key: String, range: ClosedRange<Int>, example: Int, why: String = "") -> Int? {
        guard let node = values[key] else { return nil }
        let value: Int
        switch node {
        case .integer(let i): value = i
        case .string(let s) where Int(s.trimmingCharacters(in: .whitespaces)) != nil:
            errorAtValue(key, "\"\(key)\" must be a number without quotes, got \(node.described()); write \(key) = \(s.trimmingCharacters(in: .whitespaces))")
            return nil
        case .float(let d) where d.rounded() == d && abs(d) < 1e9:
            errorAtValue(key, "\"\(key)\" must be a whole number, got \(node.described()); write \(key) = \(Int(d))")
            return nil
        default:
            errorAtValue(key, "\"\(key)\" must be a whole number, got \(node.described()); write \(key) = \(example)")
            return nil
        }
        guard range.contains(value) else {
            let bound = value < range.lowerBound ? "at least \(range.lowerBound)" : "at most \(range.upperBound)"
            errorAtValue(key, "\"\(key)\" must be \(bound), got \(value)" + (why.isEmpty ? "" : "; \(why)"))
            return nil
        }
        return value
    }

    func bool(_ key: String) -> Bool? {
        guard let node = values[key] else { return nil }
        guard case .bool(let b) = node else {
            var fix = "true"
            if case .string(let s) = node, ["false", "no", "off", "0"].contains(s.lowercased()) { fix = "false" }
            if case .integer(0) = node { fix = "false" }
            errorAtValue(key, "\"\(key)\" must be true or false without quotes, got \(node.described()); write \(key) = \(fix)")
            return nil
        }
        return b
    }

    // MARK: - Written forms

    func duration(_ key: String, range: ClosedRange<GentleDuration>, example: String, zeroHint: String? = nil) -> GentleDuration? {
        guard let node = values[key] else { return nil }
        guard case .string(let text) = node else {
            var fix = "\"\(example)\""
            if case .integer(let i) = node, i > 0 { fix = "\"\(i)m\" (or \"\(i)s\", \"\(i)h\")" }
            errorAtValue(key, "\"\(key)\" must be a duration in quotes, got \(node.described()); write \(key) = \(fix)")
            return nil
        }
        guard let d = GentleDuration(parsing: text) else {
            var hint = ""
            if let n = Int(text.trimmingCharacters(in: .whitespaces)), n > 0 { hint = " (a number needs a unit: \"\(n)m\")" }
            errorAtValue(key, "\"\(key)\" must look like \"45m\", \"1h30m\" or \"2d\", got \(node.described())\(hint)")
            return nil
        }
        let written = "\"" + TOMLNode.shortened(text) + "\""
        if d.seconds == 0 && range.lowerBound.seconds > 0 {
            errorAtValue(key, "\"\(key)\" must be longer than zero, got \(written); write \(key) = \"\(example)\"" + (zeroHint.map { " (\($0))" } ?? ""))
            return nil
        }
        if d < range.lowerBound {
            errorAtValue(key, "\"\(key)\" must be at least \(range.lowerBound), got \(written)")
            return nil
        }
        if d > range.upperBound {
            errorAtValue(key, "\"\(key)\" must be at most \(range.upperBound), got \(written)")
            return nil
        }
        return d
    }

    func timeRange(_ key: String, example: String) -> TimeOfDayRange? {
        guard let node = values[key] else { return nil }
        guard case .string(let text) = node else {
            errorAtValue(key, "\"\(key)\" must be a span in quotes, got \(node.described()); write \(key) = \"\(example)\"")
            return nil
        }
        if let range = TimeOfDayRange(parsing: text) { return range }
        let ends = text.components(separatedBy: "..")
        if ends.count == 2, let a = TimeOfDay(parsing: ends[0]), let b = TimeOfDay(parsing: ends[1]), a == b {
            errorAtValue(key, "\"\(key)\" starts and ends at the same time (\(a)); write a span like \"\(example)\"")
            return nil
        }
        errorAtValue(key, "\"\(key)\" must look like \"\(example)\", got \(node.described())")
        return nil
    }

    func weekdays(_ key: String) -> WeekdaySet? {
        guard let node = values[key] else { return nil }
        guard case .string(let text) = node, let set = WeekdaySet(parsing: text), !set.isEmpty else {
            errorAtValue(key, "\"\(key)\" must look like \"Mon..Fri\" or \"Sat,Sun\", got \(node.described())")
            return nil
        }
        return set
    }

    func choice<E: RawRepresentable & CaseIterable>(_ key: String, _ type: E.Type) -> E? where E.RawValue == String {
        guard let node = values[key] else { return nil }
        let names = E.allCases.map(\.rawValue)
        let list = names.map { "\"\($0)\"" }.joined(separator: " or ")
        guard case .string(let text) = node else {
            errorAtValue(key, "\"\(key)\" must be \(list), got \(node.described()); write \(key) = \"\(names[0])\"")
            return nil
        }
        if let value = E(rawValue: text) { return value }
        errorAtValue(key, "\"\(key)\" must be \(list), got \(node.described())" + Suggestion.clause(for: text, in: names))
        return nil
    }

    func dayOrDate(_ key: String, example: String) -> DayOfYearOrDate? {
        guard let node = values[key] else { return nil }
        let text: String
        switch node {
        case .string(let s): text = s
        case let .date(y, m, d): text = CivilDateText.text(y, m, d)
        default:
            errorAtValue(key, "\"\(key)\" must be a date, got \(node.described()); write \(key) = \"\(example)\" (or \"\(example.suffix(5))\" for every year)")
            return nil
        }
        if let value = DayOfYearOrDate(parsing: text) { return value }
        errorAtValue(key, "\"\(key)\" must be a real date like \"\(example)\", or \"\(example.suffix(5))\" for every year, got \(node.described())")
        return nil
    }

    func dayWindow(_ key: String, example: String) -> DayWindow? {
        guard let node = values[key] else { return nil }
        guard case .string(let text) = node, let window = DayWindow(parsing: text) else {
            errorAtValue(key, "\"\(key)\" must look like \"\(example)\" (from days before to days after, at most a year), got \(node.described())")
            return nil
        }
        return window
    }

    // MARK: - Lists and tables

    /// A list of strings with each element's position; a lone string gets a "write it as a
    /// list" error.
    func stringList(_ key: String, example: String) -> [(text: String, position: SourcePosition)]? {
        guard let node = values[key] else { return nil }
        guard case .array(let items) = node else {
            var fix = example
            if case .string(let s) = node { fix = "[\"" + TOMLNode.shortened(s) + "\"]" }
            errorAtValue(key, "\"\(key)\" must be a list in square brackets, got \(node.described()); write \(key) = \(fix)")
            return nil
        }
        var out: [(String, SourcePosition)] = []
        var ok = true
        for (i, item) in items.enumerated() {
            guard case .string(let s) = item else {
                error(elementPosition(key, i), "entry \(i + 1) of \"\(key)\" must be a string in quotes, got \(item.described()); write \(key) = \(example)")
                ok = false
                continue
            }
            out.append((s, elementPosition(key, i)))
        }
        return ok ? out : nil
    }

    /// A sub-table (`[email]`); a `[[email]]` or a plain value is reported.
    func table(_ key: String, label: String) -> TableReader? {
        guard let node = values[key] else { return nil }
        switch node {
        case .table(let t):
            return TableReader(label: label, path: path.appending(key), values: t, diagnostics: diagnostics)
        case .array(let items) where items.allSatisfy({ if case .table = $0 { return true } else { return false } }):
            error(keyPosition(key), "\(label) is a single table; write \(label) with single brackets, once")
        default:
            error(keyPosition(key), "\"\(key)\" must be a table, got \(node.described()); write \(label) on a line of its own with its keys below")
        }
        return nil
    }

    /// An array of tables (`[[checkin]]`); a single `[checkin]` is reported.
    func tables(_ key: String, label: String) -> [TableReader]? {
        guard let node = values[key] else { return nil }
        switch node {
        case .array(let items):
            var out: [TableReader] = []
            for (i, item) in items.enumerated() {
                guard case .table(let t) = item else {
                    error(elementPosition(key, i), "\"\(key)\" must be written as \(label) tables, got \(item.described()) in a list")
                    continue
                }
                out.append(TableReader(label: label, path: path.appending(key).appending(index: i), values: t,
                                       diagnostics: diagnostics))
            }
            return out
        case .table:
            error(keyPosition(key), "\(label) tables need double brackets; write \(label) above each entry, not [\(key)]")
        default:
            error(keyPosition(key), "\"\(key)\" must be written as \(label) tables, got \(node.described())")
        }
        return nil
    }
}
