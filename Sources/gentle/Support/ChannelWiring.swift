import Foundation
import GentleCore
import GentleSystem
import Logging

/// Which concrete channel stands behind each `Channel` in the running daemon.
enum ChannelWiring {
    static func factories(logger: Logger, stateDirectory: String) -> ChannelFactories {
        ChannelFactories(
            // Its own session-bus connection, reconnecting by itself; the control interface can
            // later share one `SessionBus` with it instead.
            desktop: { config, sink in DesktopNotifier(settings: config.desktop, logger: logger, sink: sink) },
            console: { sink in ConsoleChannel(sink: sink, zone: TimeZone.current) }
        )
    }
}
