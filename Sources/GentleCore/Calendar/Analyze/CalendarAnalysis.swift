/// What `systemd-analyze calendar EXPR… --base-time=… --iterations=N` prints, line for line,
/// computed with the engine instead of systemd. Pure: the zone, the base time and "now" (for
/// the `From now:` lines) come in as parameters.
public struct CalendarAnalysis: Sendable {
    public var stdout = ""
    public var stderr = ""
    /// False when any expression failed to parse or to evaluate (systemd exits 1 then).
    public var succeeded = true

    public init(expressions: [String], baseTime: Int64, iterations: Int, localZone: ZoneRules, now: Int64,
                baseTimeWasConverted: Bool = false) {
        // glibc's `timezone`/`daylight` follow the last local conversion; systemd reads them to
        // decide whether "(in UTC)" lines are worth printing.
        var lastConverted: Int? = baseTimeWasConverted ? Int(baseTime / 1_000_000) : nil
        for (index, expression) in expressions.enumerated() {
            analyze(expression, baseTime: baseTime, iterations: iterations, zone: localZone, now: now,
                    lastConverted: &lastConverted)
            if index < expressions.count - 1 { stdout += "\n" }
        }
    }

    private mutating func analyze(_ expression: String, baseTime: Int64, iterations: Int, zone: ZoneRules,
                                  now: Int64, lastConverted: inout Int?) {
        let spec: CalendarSpec
        do {
            spec = try CalendarSpec(parsing: expression, localZone: zone)
        } catch {
            succeeded = false
            stderr += error.description + "\n"
            stderr += CalendarAnalysis.hints(for: expression, now: now, zone: zone)
            return
        }
        var rows: [(String, String)] = []
        if spec.normalized != expression { rows.append(("Original form:", expression)) }
        rows.append(("Normalized form:", spec.normalized))
        let convertsLocally = !spec.isUTC && spec.timeZoneName == nil
        var elapses = spec.elapses(afterMicroseconds: baseTime, zone: zone)
        var printed: [Int64] = []
        for i in 0..<iterations {
            let next: Int64
            switch elapses.next().map(CalendarSpec.Elapse.elapse) ?? elapses.end ?? .never {
            case .elapse(let value):
                next = value
            case .never:
                if i == 0 { rows.append(("Next elapse:", "never")) }
                print(rows)
                printed.forEach { lastConverted = Int($0 / 1_000_000) }
                return
            case .endlessLoop:
                // systemd logs this from the process doing the search; for a zone-suffixed
                // expression that is a forked child whose log output is lost.
                if spec.timeZoneName == nil { stderr += "Infinite loop in calendar calculation: \(spec.normalized)\n" }
                stderr += "Failed to determine next elapse for '\(expression)': Resource deadlock avoided\n"
                succeeded = false
                return
            case .outOfRange:
                stderr += "Failed to determine next elapse for '\(expression)': Invalid argument\n"
                succeeded = false
                return
            }
            if convertsLocally { lastConverted = Int(next / 1_000_000) }
            rows.append((i == 0 ? "Next elapse:" : "Iter. #\(i + 1):", SystemdTimestampFormat.local(next, zone: zone)))
            if !zone.looksLikeUTC(afterConverting: lastConverted) {
                rows.append(("(in UTC):", SystemdTimestampFormat.utc(next)))
            }
            rows.append(("From now:", SystemdTimestampFormat.relative(next, now: now)))
            printed.append(next)
        }
        print(rows)
        printed.forEach { lastConverted = Int($0 / 1_000_000) }
    }

    /// systemd-analyze's vertical table: names right-aligned to the widest, one space, value,
    /// no trailing whitespace.
    private mutating func print(_ rows: [(String, String)]) {
        let width = rows.map(\.0.count).max() ?? 0
        for (name, value) in rows {
            var line = String(repeating: " ", count: width - name.count) + name + " " + value
            while let last = line.last, last == " " || last == "\t" { line.removeLast() }
            stdout += line + "\n"
        }
    }

    /// The notices systemd adds when a rejected expression would be fine elsewhere.
    static func hints(for expression: String, now: Int64, zone: ZoneRules) -> String {
        var out = ""
        if SystemdTimestamp.parse(expression, now: now, localZone: zone) != nil {
            out += "Hint: this expression is a valid timestamp. Use 'systemd-analyze timestamp \"\(expression)\"' instead?\n"
        }
        if SystemdTimespan.parse(expression) != nil {
            out += "Hint: this expression is a valid timespan. Use 'systemd-analyze timespan \"\(expression)\"' instead?\n"
        }
        return out
    }
}
