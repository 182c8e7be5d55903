import Foundation
import GentleCore

/// What a notification server said it can do (`GetCapabilities`), for one server (unique name).
public struct NotificationCapabilities: Sendable, Equatable {
    public var names: Set<String>

    public init(_ names: Set<String>) { self.names = names }

    /// Buttons work; without them the body points to `gentle reply`.
    public var actions: Bool { names.contains("actions") }
    /// The body is parsed as markup, so our text must be escaped.
    public var bodyMarkup: Bool { names.contains("body-markup") }
    /// KDE's reply field (`NotificationReplied`).
    public var inlineReply: Bool { names.contains("inline-reply") }
}

/// The arguments of one `org.freedesktop.Notifications.Notify` call, built from a delivery for a
/// given server. Pure: no bus, no clock, so it is tested on its own.
public struct NotificationContent: Sendable, Equatable {
    public static let appName = "gentle"
    /// The action a click on the notification itself sends.
    public static let defaultActionKey = "default"
    /// KDE's inline reply pseudo-action.
    public static let inlineReplyKey = "inline-reply"
    /// Hint carrying the occurrence id, for people who script their notification server.
    public static let occurrenceHint = "x-gentle-occurrence"
    /// The longest note kept from an inline reply.
    public static let maximumNoteLength = 500

    public var summary: String
    public var body: String
    public var icon: String
    /// Key/label pairs in order, as the spec wants them: `[key1, label1, key2, label2, …]`.
    public var actions: [(key: String, label: String)]
    public var hints: [(String, BusValue)]
    /// Milliseconds; -1 lets the server decide, 0 means until answered.
    public var expireTimeout: Int32
    /// Keys that may legitimately come back in `ActionInvoked`; anything else is ignored.
    public var acceptedKeys: Set<String> { Set(actions.map(\.key)) }
    public var offersInlineReply: Bool { actions.contains { $0.key == Self.inlineReplyKey } }

    public init(delivery: Delivery, capabilities: NotificationCapabilities, settings: DesktopSettings, icon: String = "") {
        summary = delivery.title
        self.icon = icon
        let markup = capabilities.bodyMarkup
        func text(_ s: String) -> String { markup ? NotificationContent.escapeMarkup(s) : s }

        var paragraphs = [text(delivery.body)]
        let offerInlineReply = capabilities.inlineReply && capabilities.actions && delivery.ask != nil
        if let ask = delivery.ask {
            paragraphs.append(markup ? "<i>" + text(ask) + "</i>" : ask)
        }
        var actions: [(key: String, label: String)] = []
        if capabilities.actions {
            actions = delivery.actions.map { ($0.key, $0.label) }
            if offerInlineReply { actions.append((Self.inlineReplyKey, "Add a note")) }
            actions.append((Self.defaultActionKey, CheckinAction.opened.label))
        } else {
            // No buttons on this server: say how to answer instead.
            let keys = delivery.actions.map(\.key)
            var hint = "Your notification server can't show buttons. To answer, run: gentle reply \(delivery.occurrence.text) \(keys.first ?? "done")"
            if keys.count > 1 { hint += " (or " + keys.dropFirst().joined(separator: ", ") + ")" }
            paragraphs.append(text(hint))
        }
        body = paragraphs.joined(separator: "\n\n")
        self.actions = actions

        var hints: [(String, BusValue)] = [
            ("urgency", .byte(delivery.urgency.hintValue)),
            ("category", .string(settings.category)),
            ("desktop-entry", .string(settings.desktopEntry)),
            ("suppress-sound", .bool(true)),
            (Self.occurrenceHint, .string(delivery.occurrence.text)),
        ]
        if offerInlineReply, let ask = delivery.ask {
            hints.append(("x-kde-reply-placeholder-text", .string(ask)))
        }
        self.hints = hints

        if let timeout = settings.expireTimeout {
            expireTimeout = Int32(clamping: timeout.seconds * 1000)
        } else {
            expireTimeout = -1
        }
    }

    /// The arguments of `Notify` (`susssasa{sv}i`).
    public var notifyArguments: [BusValue] {
        [
            .string(Self.appName),
            .uint32(0),
            .string(icon),
            .string(summary),
            .string(body),
            .stringArray(actions.flatMap { [$0.key, $0.label] }),
            .vardict(hints),
            .int32(expireTimeout),
        ]
    }

    /// What a click on the notification itself (`default`) is recorded as: `opened` — seen, not
    /// answered. It claims nothing the parent did not say, and still counts as attention (no
    /// back-off), which is the kind reading of a click.
    public static let defaultMeaning = CheckinAction.opened

    /// The reply a note typed into the notification is recorded with: `done` when the check-in
    /// offers it (writing the note is doing it), otherwise `opened`.
    public static func noteMeaning(of actions: [CheckinAction]) -> CheckinAction {
        actions.contains(.done) ? .done : .opened
    }

    /// Escapes text for servers that parse the body as markup (`&`, `<`, `>`).
    public static func escapeMarkup(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default: out.append(c)
            }
        }
        return out
    }

    /// A note typed into a notification: untrusted, so trimmed, without control characters, and
    /// at most `maximumNoteLength` characters. nil when nothing is left.
    public static func cleanNote(_ text: String) -> String? {
        let flattened = String(text.unicodeScalars.map { scalar -> Character in
            if scalar == "\n" || scalar == "\t" || scalar == "\r" { return " " }
            if scalar.properties.generalCategory == .control { return " " }
            return Character(scalar)
        })
        let trimmed = flattened.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return nil }
        return String(trimmed.prefix(maximumNoteLength))
    }

    public static func == (a: NotificationContent, b: NotificationContent) -> Bool {
        a.notifyArguments == b.notifyArguments
    }
}
