import Foundation

/// The next thing one source (a check-in's cadence, a snooze, a kid-date occasion) wants to
/// deliver, before the planner's rules (quiet hours, spacing, limits) have had their say.
struct Candidate: Sendable {
    var occurrence: OccurrenceID
    var origin: OccurrenceOrigin
    /// The source's own time (the occurrence id's time).
    var scheduled: Date
    /// After jitter; quiet hours and spacing may move it later still.
    var due: Date
    var title: String
    var messages: [String]
    var ask: String?
    var actions: [CheckinAction]
    var channels: [Channel]
    var urgency: Urgency
    var staleAfter: GentleDuration
    var quietPolicy: QuietHoursPolicy
    /// Kid dates: which child, which occasion (`name@YYYY-MM-DD`) and its display name.
    var child: String?
    var occasionKey: String?
    var occasionName: String?

    var checkin: String { occurrence.checkin }

    /// Regular cadence and snoozes obey back-off and the daily limit; kid-date suggestions are
    /// rare, hand-picked moments and only obey quiet hours, spacing and pause.
    var obeysDailyLimit: Bool { origin == .regular || origin == .snooze }
    var obeysBackoff: Bool { origin == .regular }

    /// `{child}` and `{occasion}` filled in.
    func render(_ text: String) -> String {
        var out = text
        out = out.replacingOccurrences(of: "{child}", with: child ?? "your child")
        out = out.replacingOccurrences(of: "{occasion}", with: occasionName ?? "a quiet day")
        return out
    }
}

extension Candidate {
    init(checkin c: CheckinConfig, scheduled: Date, due: Date, origin: OccurrenceOrigin, config: GentleConfig,
         zone: TimeZone) {
        self.init(
            occurrence: OccurrenceID(checkin: c.id, scheduled: scheduled, timeZone: zone), origin: origin,
            scheduled: scheduled, due: due, title: c.title, messages: c.messages, ask: c.ask, actions: c.actions,
            channels: c.channels, urgency: c.urgency ?? config.desktop.urgency,
            staleAfter: c.staleAfter ?? config.staleAfter, quietPolicy: c.inQuietHours)
    }
}
