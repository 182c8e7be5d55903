import Foundation
import GentleCore
import Logging

/// Builds the channels a config needs and picks one for each delivery: the first channel the
/// check-in lists that can deliver right now, else the first it lists (which holds the delivery
/// until it can), so a missing desktop session never loses a check-in.
public struct ChannelFactories: Sendable {
    public var desktop: (@Sendable (GentleConfig, @escaping ChannelEventSink) -> (any DeliveryChannel)?)?
    public var email: (@Sendable (EmailSettings, @escaping ChannelEventSink) -> (any DeliveryChannel)?)?
    public var console: (@Sendable (@escaping ChannelEventSink) -> (any DeliveryChannel)?)?

    public init(desktop: (@Sendable (GentleConfig, @escaping ChannelEventSink) -> (any DeliveryChannel)?)? = nil,
                email: (@Sendable (EmailSettings, @escaping ChannelEventSink) -> (any DeliveryChannel)?)? = nil,
                console: (@Sendable (@escaping ChannelEventSink) -> (any DeliveryChannel)?)? = nil) {
        self.desktop = desktop
        self.email = email
        self.console = console
    }
}

final class ChannelSet: @unchecked Sendable {
    private let factories: ChannelFactories
    private let sink: ChannelEventSink
    private let logger: Logger
    private(set) var channels: [Channel: any DeliveryChannel] = [:]
    private var emailSettings: EmailSettings?
    private var desktopSettings: DesktopSettings?

    init(factories: ChannelFactories, sink: @escaping ChannelEventSink, logger: Logger) {
        self.factories = factories
        self.sink = sink
        self.logger = logger
    }

    /// Creates what the config uses and replaces channels whose settings changed.
    func update(for config: GentleConfig) {
        var used = Set(config.checkins.filter(\.enabled).flatMap(\.channels))
        if let kid = config.kidDates, kid.enabled { used.formUnion(kid.channels) }
        // The console is the fallback of last resort: always there.
        used.insert(.console)

        if used.contains(.desktop), channels[.desktop] == nil || desktopSettings != config.desktop {
            channels[.desktop]?.shutdown()
            channels[.desktop] = factories.desktop?(config, sink)
            desktopSettings = config.desktop
        } else if !used.contains(.desktop), let old = channels.removeValue(forKey: .desktop) {
            old.shutdown()
        }
        if let email = config.email, used.contains(.email) {
            if channels[.email] == nil || emailSettings != email {
                channels[.email]?.shutdown()
                channels[.email] = factories.email?(email, sink)
                emailSettings = email
            }
        } else if let old = channels.removeValue(forKey: .email) {
            old.shutdown()
            emailSettings = nil
        }
        if channels[.console] == nil { channels[.console] = factories.console?(sink) }
    }

    /// The channel for a delivery, skipping those already tried for it.
    func choose(for delivery: Delivery, excluding tried: Set<Channel> = []) -> (any DeliveryChannel)? {
        let listed = delivery.channels.filter { !tried.contains($0) }.compactMap { channels[$0] }
        if let ready = listed.first(where: \.isAvailable) { return ready }
        if let first = listed.first { return first }
        // Nothing the check-in lists exists (e.g. desktop without a session bus): the console.
        return tried.contains(.console) ? nil : channels[.console]
    }

    func withdraw(_ occurrence: OccurrenceID, except channel: Channel?) {
        for (kind, c) in channels where kind != channel { c.withdraw(occurrence) }
    }

    func shutdown() {
        for c in channels.values { c.shutdown() }
        channels.removeAll()
    }
}
