import Foundation
import GentleCore
import GentleSystem
import Logging

/// Which concrete channel stands behind each `Channel` in the running daemon.
enum ChannelWiring {
    static func factories(logger: Logger, stateDirectory: String) -> ChannelFactories {
        ChannelFactories(
            console: { sink in ConsoleChannel(sink: sink, zone: TimeZone.current) }
        )
    }
}
