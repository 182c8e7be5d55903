import Foundation
import GentleCore
import GentleSystem
import Logging

/// Which concrete channel stands behind each `Channel` in the running daemon.
enum ChannelWiring {
    static func factories(logger: Logger, stateDirectory: String, zone: TimeZone) -> ChannelFactories {
        ChannelFactories(
            // Its own session-bus connection, reconnecting by itself; the control interface can
            // later share one `SessionBus` with it instead.
            desktop: { config, sink in DesktopNotifier(settings: config.desktop, logger: logger, sink: sink) },
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
