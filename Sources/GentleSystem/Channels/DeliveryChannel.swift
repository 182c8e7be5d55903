import Foundation
import GentleCore

/// What a channel tells the runtime about a delivery it was given. Channels report on their own
/// queues; the runtime hops onto its scheduling queue, writes the matching log record and, for
/// replies, lets the planner react (snooze, back-off).
public enum ChannelEvent: Sendable, Equatable {
    /// The channel's peer accepted it (notification id returned, SMTP 250, line printed).
    case delivered(OccurrenceID, Channel, detail: String?)
    /// Waiting for the channel to come back (no notification server, mail server down).
    case held(OccurrenceID, Channel, reason: String)
    /// Given up for good; `error` is safe to log (no secrets).
    case failed(OccurrenceID, Channel, error: String)
    /// Could not be delivered before it went stale.
    case droppedStale(OccurrenceID, Channel, error: String?)
    /// The parent answered. `action` is untrusted input: the runtime checks it against the
    /// check-in's actions before acting on it.
    case reply(OccurrenceID, Channel, action: String, note: String?)
    case expired(OccurrenceID, Channel)
    case dismissed(OccurrenceID, Channel)
    /// The channel became able (or unable) to deliver right now, e.g. a notification server appeared.
    case availabilityChanged(Channel, available: Bool)
}

public typealias ChannelEventSink = @Sendable (ChannelEvent) -> Void

/// A way to reach the parent. Implementations never block the caller: `deliver` queues work on
/// the channel's own queue and reports back through the sink given at creation.
public protocol DeliveryChannel: AnyObject, Sendable {
    var channel: Channel { get }
    /// Whether a delivery made now would reach the parent promptly. The runtime prefers the first
    /// available channel a check-in lists; an unavailable channel still accepts deliveries and
    /// holds them until it can deliver or they go stale.
    var isAvailable: Bool { get }
    func deliver(_ delivery: Delivery)
    /// Withdraw an occurrence that was answered elsewhere (e.g. by `gentle reply`).
    func withdraw(_ occurrence: OccurrenceID)
    /// Stop accepting work, finish what can finish quickly; called once at shutdown.
    func shutdown()
}
