/// The short, calm overview `gentle check` prints for a valid config.
public struct ConfigSummary: Sendable {
    public let config: GentleConfig

    public init(config: GentleConfig) { self.config = config }

    /// The whole summary. `nextFire` is the seam for the planner: given a check-in id it returns
    /// words such as `next Fri 14:30`, or nil to print nothing.
    public func text(nextFire: (String) -> String? = { _ in nil }) -> String {
        var lines: [String] = []
        let enabled = config.checkins.filter(\.enabled).count
        var headline = "\(config.sourcePath) is valid: " + Self.count(config.checkins.count, "check-in")
        if enabled < config.checkins.count { headline += " (\(enabled) on)" }
        if let kid = config.kidDates { headline += kid.enabled ? ", kid dates on" : ", kid dates off" }
        lines.append(headline + ".")
        if !config.checkins.isEmpty {
            lines.append("")
            let width = min(24, config.checkins.map(\.id.count).max() ?? 0)
            for checkin in config.checkins {
                let id = checkin.id.padding(toLength: max(width, checkin.id.count), withPad: " ", startingAt: 0)
                lines.append("  \(id)  \(checkin.title)\(checkin.enabled ? "" : " (off)")")
                var detail = Self.cadenceInWords(checkin.cadence, jitter: checkin.jitter)
                detail += " · " + checkin.channels.map(\.rawValue).joined(separator: ", ")
                if let next = nextFire(checkin.id) { detail += " · " + next }
                lines.append(String(repeating: " ", count: width + 4) + detail)
            }
        }
        lines.append("")
        lines.append(rulesLine())
        if let kid = config.kidDates { lines.append(kidDatesLine(kid)) }
        if let email = config.email {
            let via = email.transport == .smtp ? (email.url ?? "smtp") : email.sendmailCommand.joined(separator: " ")
            lines.append("Email: to \(email.to) via \(via).")
        }
        return lines.joined(separator: "\n")
    }

    private func rulesLine() -> String {
        var parts: [String] = []
        if let quiet = config.quietHours { parts.append("quiet \(quiet.start)–\(quiet.end)") }
        parts.append("at most \(config.maxPerDay) a day")
        if config.minSpacing.seconds > 0 { parts.append("at least \(config.minSpacing.inWords) apart") }
        parts.append("time zone " + (config.timezone ?? "of the system"))
        return "Every day: " + parts.joined(separator: " · ") + "."
    }

    private func kidDatesLine(_ kid: KidDateSettings) -> String {
        guard kid.enabled else { return "Kid dates: off." }
        var parts: [String] = []
        let names = config.children.map(\.name)
        parts.append(names.isEmpty ? "no children listed" : Self.count(names.count, "child", plural: "children") + " (" + names.joined(separator: ", ") + ")")
        parts.append(Self.count(config.occasions.count, "occasion"))
        var when = "suggested between \(kid.between.start) and \(kid.between.end)"
        if kid.days != .all { when += " on \(kid.days)" }
        parts.append(when)
        if let every = kid.every { parts.append("a general one at most every \(every.inWords)") }
        parts.append(kid.channels.map(\.rawValue).joined(separator: ", "))
        return "Kid dates: " + parts.joined(separator: " · ") + "."
    }

    public static func cadenceInWords(_ cadence: Cadence, jitter: GentleDuration?) -> String {
        var out: String
        switch cadence {
        case .calendar(let specs):
            out = "when " + specs.map { "\"\($0.original)\"" }.joined(separator: " or ")
        case .window(let window):
            switch window.timesPerDay {
            case 1: out = "once a day"
            case 2: out = "twice a day"
            default: out = "\(window.timesPerDay) times a day"
            }
            out += " between \(window.between.start) and \(window.between.end)"
            if window.days != .all { out += " on \(window.days)" }
        }
        if let jitter { out += ", up to \(jitter.inWords) later" }
        return out
    }

    static func count(_ n: Int, _ noun: String, plural: String? = nil) -> String {
        "\(n) " + (n == 1 ? noun : (plural ?? noun + "s"))
    }
}
