import Foundation

/// The whole validated configuration. Built only by `ConfigLoader`, which guarantees every
/// invariant documented here (ids unique, ranges sane, at least one message per check-in…),
/// so the planner and channels can trust it without re-checking.
public struct GentleConfig: Sendable, Equatable {
    /// Where it was read from; part of the default random seed and of error messages.
    public var sourcePath: String
    /// IANA zone (`"Europe/Berlin"`); nil means the system's zone at the time of use.
    public var timezone: String?
    /// Nothing is delivered inside this daily span (it may cross midnight).
    public var quietHours: TimeOfDayRange?
    /// At most this many check-ins are delivered per local calendar day.
    public var maxPerDay: Int
    /// Two deliveries are never closer than this.
    public var minSpacing: GentleDuration
    /// An occurrence that could not be delivered within this long after its time is dropped.
    public var staleAfter: GentleDuration
    /// Fixed seed for random windows, jitter and rotation; nil derives one from the path and date.
    public var seed: UInt64?
    /// After this many unanswered or "not now" replies in a row, a check-in skips at most this
    /// many occurrences before it is offered again.
    public var backoffMax: Int
    public var desktop: DesktopSettings
    public var email: EmailSettings?
    public var checkins: [CheckinConfig]
    public var children: [ChildConfig]
    public var occasions: [OccasionConfig]
    public var kidDates: KidDateSettings?

    public init(
        sourcePath: String, timezone: String? = nil, quietHours: TimeOfDayRange? = nil,
        maxPerDay: Int = GentleConfig.defaultMaxPerDay, minSpacing: GentleDuration = GentleConfig.defaultMinSpacing,
        staleAfter: GentleDuration = GentleConfig.defaultStaleAfter, seed: UInt64? = nil,
        backoffMax: Int = GentleConfig.defaultBackoffMax, desktop: DesktopSettings = DesktopSettings(),
        email: EmailSettings? = nil, checkins: [CheckinConfig] = [], children: [ChildConfig] = [],
        occasions: [OccasionConfig] = [], kidDates: KidDateSettings? = nil
    ) {
        self.sourcePath = sourcePath
        self.timezone = timezone
        self.quietHours = quietHours
        self.maxPerDay = maxPerDay
        self.minSpacing = minSpacing
        self.staleAfter = staleAfter
        self.seed = seed
        self.backoffMax = backoffMax
        self.desktop = desktop
        self.email = email
        self.checkins = checkins
        self.children = children
        self.occasions = occasions
        self.kidDates = kidDates
    }

    public static let defaultMaxPerDay = 6
    public static let defaultMinSpacing = GentleDuration.minutes(45)
    public static let defaultStaleAfter = GentleDuration.hours(2)
    public static let defaultBackoffMax = 3

    /// The zone every wall-clock rule of this config is evaluated in.
    public func resolvedTimeZone() -> TimeZone {
        if let id = timezone, let zone = TimeZone(identifier: id) { return zone }
        return TimeZone.current
    }

    public func checkin(id: String) -> CheckinConfig? { checkins.first { $0.id == id } }
}

/// How a check-in reaches the parent. A check-in lists channels in order of preference; when one
/// is unavailable (no desktop session) the next is used.
public enum Channel: String, Sendable, Hashable, CaseIterable, Codable {
    case desktop
    case email
    case console
}

/// What to do with an occurrence that falls inside quiet hours.
public enum QuietHoursPolicy: String, Sendable, Hashable, CaseIterable {
    /// Move it to the end of the quiet period.
    case `defer`
    /// Let it go.
    case skip
}

public enum Urgency: String, Sendable, Hashable, CaseIterable {
    case low
    case normal

    /// The freedesktop `urgency` hint byte.
    public var hintValue: UInt8 { self == .low ? 0 : 1 }
}

/// When a check-in comes up.
public enum Cadence: Sendable, Equatable {
    /// One or more systemd calendar expressions (`when = "Mon..Fri 08:30"`).
    case calendar([CalendarSpec])
    /// `times_per_day` random moments inside `between` on the given `days`, drawn from a seeded
    /// generator so `gentle next` and the daemon agree.
    case window(RandomWindow)
}

public struct RandomWindow: Sendable, Hashable {
    public var timesPerDay: Int
    public var between: TimeOfDayRange
    public var days: WeekdaySet

    public init(timesPerDay: Int, between: TimeOfDayRange, days: WeekdaySet = .all) {
        self.timesPerDay = timesPerDay
        self.between = between
        self.days = days
    }
}

public struct CheckinConfig: Sendable, Equatable {
    /// Stable identifier: lower-case letters, digits, `-` and `_`; used in the log and the CLI.
    public var id: String
    public var title: String
    /// Rotating wordings; never empty.
    public var messages: [String]
    public var cadence: Cadence
    /// Each occurrence moves later by a seeded amount in `0...jitter`.
    public var jitter: GentleDuration?
    /// In order of preference; never empty.
    public var channels: [Channel]
    /// Buttons, in order; never empty.
    public var actions: [CheckinAction]
    /// A prompt for a short note, offered with the reply.
    public var ask: String?
    public var inQuietHours: QuietHoursPolicy
    /// Overrides the global `stale_after`.
    public var staleAfter: GentleDuration?
    public var urgency: Urgency?
    public var enabled: Bool

    public init(
        id: String, title: String, messages: [String], cadence: Cadence, jitter: GentleDuration? = nil,
        channels: [Channel] = CheckinConfig.defaultChannels, actions: [CheckinAction] = CheckinConfig.defaultActions,
        ask: String? = nil, inQuietHours: QuietHoursPolicy = .defer, staleAfter: GentleDuration? = nil,
        urgency: Urgency? = nil, enabled: Bool = true
    ) {
        self.id = id
        self.title = title
        self.messages = messages
        self.cadence = cadence
        self.jitter = jitter
        self.channels = channels
        self.actions = actions
        self.ask = ask
        self.inQuietHours = inQuietHours
        self.staleAfter = staleAfter
        self.urgency = urgency
        self.enabled = enabled
    }

    public static let defaultChannels: [Channel] = [.desktop, .console]
    public static let defaultActions: [CheckinAction] = [.done, .notNow, .snooze(.minutes(30))]
}

/// A reply a parent can give. Keys are what the log stores and `gentle reply` accepts.
public enum CheckinAction: Sendable, Hashable, CustomStringConvertible {
    case done
    case notNow
    case snooze(GentleDuration)
    /// Kid-date replies.
    case tookIt
    case notThisTime
    case closerToTheDay
    /// The parent opened the notification itself (its default action): seen, not answered.
    /// Never offered as a button; resets back-off like any sign of attention.
    case opened

    public init?(key: String) {
        switch key {
        case "opened": self = .opened
        case "done": self = .done
        case "not-now": self = .notNow
        case "took-it": self = .tookIt
        case "not-this-time": self = .notThisTime
        case "closer-to-the-day": self = .closerToTheDay
        default:
            guard key.hasPrefix("snooze:"), let d = GentleDuration(parsing: String(key.dropFirst(7))),
                  d.seconds >= 60 else { return nil }
            self = .snooze(d)
        }
    }

    /// The key as written in the config and the log: `done`, `not-now`, `snooze:30m`, …
    public var key: String {
        switch self {
        case .done: return "done"
        case .notNow: return "not-now"
        case .snooze(let d): return "snooze:\(d)"
        case .tookIt: return "took-it"
        case .notThisTime: return "not-this-time"
        case .closerToTheDay: return "closer-to-the-day"
        case .opened: return "opened"
        }
    }

    /// Button text.
    public var label: String {
        switch self {
        case .done: return "Did it"
        case .notNow: return "Not now"
        case .snooze(let d): return "In \(d.inWords.replacingOccurrences(of: "m", with: " min").replacingOccurrences(of: "h", with: " h"))"
        case .tookIt: return "We did it"
        case .notThisTime: return "Not this time"
        case .closerToTheDay: return "Closer to the day"
        case .opened: return "Open"
        }
    }

    /// Whether this reply counts as the parent having engaged (resets back-off).
    public var acknowledges: Bool {
        switch self {
        case .done, .tookIt, .closerToTheDay, .snooze, .opened: return true
        case .notNow, .notThisTime: return false
        }
    }

    public var description: String { key }
}

public struct DesktopSettings: Sendable, Equatable {
    /// How long a notification stays up; nil lets the server decide, zero means until answered.
    public var expireTimeout: GentleDuration?
    public var urgency: Urgency
    public var category: String
    public var desktopEntry: String

    public init(expireTimeout: GentleDuration? = .minutes(10), urgency: Urgency = .low,
                category: String = "x-gentle.checkin", desktopEntry: String = "gentle") {
        self.expireTimeout = expireTimeout
        self.urgency = urgency
        self.category = category
        self.desktopEntry = desktopEntry
    }
}

public enum EmailTransport: String, Sendable, Hashable, CaseIterable {
    case smtp
    case sendmail
}

public struct EmailSettings: Sendable, Equatable {
    public var to: String
    public var from: String
    public var transport: EmailTransport
    /// `smtp://host:587` or `smtps://host:465`; required for the smtp transport.
    public var url: String?
    /// Require STARTTLS on `smtp://`; defaults to true, false only makes sense for a loopback relay.
    public var starttls: Bool
    public var username: String?
    /// Path (with `~` expanded) of a file holding the SMTP password; must not be group/other readable.
    public var passwordFile: String?
    /// A password written in the config itself; only accepted when the config is private (0600).
    public var password: String?
    /// A CA bundle to verify the server against instead of the system's.
    public var caFile: String?
    /// Program and arguments for the sendmail transport, run without a shell.
    public var sendmailCommand: [String]
    /// Seconds a single SMTP exchange may take before it counts as failed.
    public var timeout: GentleDuration
    public var subjectPrefix: String

    public init(to: String, from: String, transport: EmailTransport = .smtp, url: String? = nil,
                starttls: Bool = true, username: String? = nil, passwordFile: String? = nil,
                password: String? = nil, caFile: String? = nil,
                sendmailCommand: [String] = EmailSettings.defaultSendmailCommand,
                timeout: GentleDuration = GentleDuration(seconds: 30), subjectPrefix: String = "") {
        self.to = to
        self.from = from
        self.transport = transport
        self.url = url
        self.starttls = starttls
        self.username = username
        self.passwordFile = passwordFile
        self.password = password
        self.caFile = caFile
        self.sendmailCommand = sendmailCommand
        self.timeout = timeout
        self.subjectPrefix = subjectPrefix
    }

    public static let defaultSendmailCommand = ["/usr/sbin/sendmail", "-t", "-i"]
}

/// A child, for kid-date suggestions.
public struct ChildConfig: Sendable, Hashable {
    public var name: String
    public var birthday: DayOfYearOrDate?

    public init(name: String, birthday: DayOfYearOrDate? = nil) {
        self.name = name
        self.birthday = birthday
    }
}

/// A date written `"2027-03-14"` (once) or `"03-14"` (every year).
public enum DayOfYearOrDate: Sendable, Hashable, CustomStringConvertible {
    case once(year: Int, month: Int, day: Int)
    case yearly(month: Int, day: Int)

    public init?(parsing text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        guard parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }) else { return nil }
        func valid(_ y: Int, _ m: Int, _ d: Int) -> Bool {
            guard (1...12).contains(m), d >= 1 else { return false }
            let lengths = [31, (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
            return d <= lengths[m - 1]
        }
        switch parts.count {
        case 3:
            guard parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
                  let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]), valid(y, m, d) else { return nil }
            self = .once(year: y, month: m, day: d)
        case 2:
            // 2000 is a leap year, so 02-29 is allowed for yearly dates.
            guard parts[0].count == 2, parts[1].count == 2,
                  let m = Int(parts[0]), let d = Int(parts[1]), valid(2000, m, d) else { return nil }
            self = .yearly(month: m, day: d)
        default:
            return nil
        }
    }

    public var description: String {
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        switch self {
        case let .once(y, m, d): return "\(y)-\(two(m))-\(two(d))"
        case let .yearly(m, d): return "\(two(m))-\(two(d))"
        }
    }
}

/// A window around a date, in whole days: `"-7d..+1d"` is from a week before to a day after.
public struct DayWindow: Sendable, Hashable, CustomStringConvertible {
    public var daysBefore: Int
    public var daysAfter: Int

    public init(daysBefore: Int, daysAfter: Int) {
        self.daysBefore = daysBefore
        self.daysAfter = daysAfter
    }

    public init?(parsing text: String) {
        let ends = text.trimmingCharactersInSpaces().components(separatedBy: "..")
        guard ends.count == 2, let a = DayWindow.signedDays(ends[0]), let b = DayWindow.signedDays(ends[1]),
              a <= b, a <= 0, b >= 0, b - a <= 366 else { return nil }
        self.init(daysBefore: -a, daysAfter: b)
    }

    private static func signedDays(_ s: String) -> Int? {
        var t = Substring(s)
        var sign = 1
        if t.first == "-" { sign = -1; t = t.dropFirst() } else if t.first == "+" { t = t.dropFirst() }
        guard t.hasSuffix("d") else { return t == "0" ? 0 : nil }
        t = t.dropLast()
        guard !t.isEmpty, t.allSatisfy({ $0.isASCII && $0.isNumber }), let v = Int(t) else { return nil }
        return sign * v
    }

    public var description: String { "-\(daysBefore)d..+\(daysAfter)d" }
}

/// Something worth a 1:1 kid date: first day of school, an appointment, an accomplishment.
public struct OccasionConfig: Sendable, Hashable {
    public var name: String
    public var date: DayOfYearOrDate
    /// The child's name as written in a `[[child]]`; nil means any (the least recent one).
    public var child: String?
    public var window: DayWindow

    public init(name: String, date: DayOfYearOrDate, child: String? = nil,
                window: DayWindow = DayWindow(daysBefore: 3, daysAfter: 1)) {
        self.name = name
        self.date = date
        self.child = child
        self.window = window
    }
}

/// `[kid_dates]`: how kid-date suggestions are worded and timed.
public struct KidDateSettings: Sendable, Equatable {
    public var enabled: Bool
    /// Suggestions land at a random moment in this span on these days.
    public var between: TimeOfDayRange
    public var days: WeekdaySet
    /// With no occasion near, a general suggestion at most this often; nil turns it off.
    public var every: GentleDuration?
    /// Birthdays become occasions with this window.
    public var birthdayWindow: DayWindow
    /// Wordings; `{child}` and `{occasion}` are filled in.
    public var messages: [String]
    public var channels: [Channel]

    public init(enabled: Bool = true, between: TimeOfDayRange, days: WeekdaySet = .all, every: GentleDuration? = nil,
                birthdayWindow: DayWindow = DayWindow(daysBefore: 7, daysAfter: 0), messages: [String],
                channels: [Channel] = CheckinConfig.defaultChannels) {
        self.enabled = enabled
        self.between = between
        self.days = days
        self.every = every
        self.birthdayWindow = birthdayWindow
        self.messages = messages
        self.channels = channels
    }
}
