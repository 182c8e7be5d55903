import Foundation
import GentleCore
import GentleSystem
import Logging

/// Which concrete channel stands behind each `Channel` in the running daemon.
enum ChannelWiring {
    static func factories(logger: Logger, stateDirectory: String, zone: TimeZone, bus: SessionBus) -> ChannelFactories {
        ChannelFactories(
            // Shares the daemon's one session-bus connection with the control interface.
            desktop: { config, sink in DesktopNotifier(settings: config.desktop, bus: bus, logger: logger, sink: sink) },
            email: { settings, sink in
                do {
                    // Resumes whatever <state-dir>/outbox still holds from an earlier run.
                    return try EmailChannel.make(settings: settings, stateDirectory: stateDirectory, timeZone: zone,
                                                 logger: logger, sink: sink)
                } catch {
                    logger.error("email is not available: \(error)")
                    return nil
                }
            },
            console: { sink in ConsoleChannel(sink: sink, zone: zone) }
        )
    }
}
