import Foundation
import GentleCore

/// Deliveries and settings for email tests, with wording that exercises encoding: accents, emoji,
/// a long title, a line that is a lone ".".
public enum EmailFixtures {
    public static let zone = TimeZone(identifier: "Europe/Berlin") ?? TimeZone(secondsFromGMT: 3600) ?? .current

    /// 2026-11-27 14:30:00 +01:00
    public static let scheduled = Date(timeIntervalSince1970: 1_795_786_200)

    public static let accentedEmojiTitle = "Ein Atemzug 🌿 — respire, café au lait ✨"

    public static func delivery(checkin: String = "breathe", title: String = accentedEmojiTitle,
                                body: String = "Breathe in for four, out for six.\nYou are doing enough. 💛",
                                ask: String? = "What does your connection with your child need right now?",
                                actions: [CheckinAction] = CheckinConfig.defaultActions,
                                scheduled: Date = EmailFixtures.scheduled,
                                staleAt: Date? = nil) -> Delivery {
        let occurrence = OccurrenceID(checkin: checkin, scheduled: scheduled, timeZone: zone)
        return Delivery(occurrence: occurrence, title: title, body: body, ask: ask, actions: actions,
                        due: scheduled, staleAt: staleAt ?? scheduled.addingTimeInterval(7200))
    }

    public static func settings(transport: EmailTransport = .smtp, url: String? = nil,
                                to: String = "parent@example.org",
                                from: String = "gentle <gentle@example.org>") -> EmailSettings {
        EmailSettings(to: to, from: from, transport: transport, url: url)
    }
}
