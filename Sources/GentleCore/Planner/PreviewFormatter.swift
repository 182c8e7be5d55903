import Foundation

/// Renders `gentle next`: one calm line per upcoming moment, with what moved it or why it will
/// be let pass. No counts of anything missed — only what is coming.
public struct PreviewFormatter: Sendable {
    public let clock: ZoneClock
    public var width: Int

    public init(clock: ZoneClock, width: Int = 100) {
        self.clock = clock
        self.width = width
    }

    public func render(_ entries: [PreviewEntry], from: Date, showSkipped: Bool = true) -> String {
        var lines = ["Upcoming check-ins from \(dateTime(from)) (\(clock.zone.identifier)):", ""]
        let shown = showSkipped ? entries : entries.filter { if case .fire = $0.outcome { return true }; return false }
        if shown.isEmpty {
            lines.append("  Nothing in this period.")
        }
        let titleWidth = min(28, shown.map { $0.title.count }.max() ?? 10)
        for entry in shown {
            let when = dateTime(entry.due)
            let title = pad(truncate(entry.title, titleWidth), titleWidth)
            switch entry.outcome {
            case .fire:
                var line = "  \(when)  \(title)  \(truncate(entry.body.replacingOccurrences(of: "\n", with: " "), 48))"
                if !entry.movedFor.isEmpty {
                    line += "  (moved from \(TimeOfDay(minuteOfDay: clock.minuteOfDay(entry.scheduled))) for \(entry.movedFor.joined(separator: " and ")))"
                }
                lines.append(line)
            case .skip(let reason):
                lines.append("  \(when)  \(title)  – let pass: \(words(for: reason))")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func words(for reason: SkipReason) -> String {
        switch reason {
        case .quietHours: return "inside quiet hours"
        case .dailyLimit: return "enough check-ins for one day (max_per_day)"
        case .backoff: return "giving it some room after the last one was let go"
        case .paused: return "check-ins are paused"
        case .disabled: return "disabled"
        case .spacing: return "too close to another one"
        }
    }

    /// `Fri 27 Nov 14:30`
    public func dateTime(_ date: Date) -> String {
        let (day, second) = clock.local(date)
        let (_, m, d) = CivilDate.fromDays(day)
        let weekdays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let dd = d < 10 ? " \(d)" : "\(d)"
        return "\(weekdays[clock.isoWeekday(day: day) - 1]) \(dd) \(months[m - 1]) \(TimeOfDay(minuteOfDay: second / 60))"
    }

    private func truncate(_ s: String, _ n: Int) -> String {
        s.count <= n ? s : String(s.prefix(max(0, n - 1))) + "…"
    }

    private func pad(_ s: String, _ n: Int) -> String {
        s.count >= n ? s : s + String(repeating: " ", count: n - s.count)
    }
}
