import ArgumentParser
import Foundation
import GentleCore
import GentleSystem

/// Calls the running daemon for a command; on failure prints the reason and exits with the
/// code `systemctl` uses for an inactive unit (3) when it is not running, else 1.
enum DaemonCall {
    static let exitNotRunning: Int32 = 3

    static func call(_ member: String, _ arguments: [BusValue] = []) throws -> [BusValue] {
        switch ControlClient.call(member, arguments) {
        case .success(let values):
            return values
        case .failure(let failure):
            Terminal.printError("gentle: \(failure)")
            switch failure {
            case .notRunning, .noSessionBus: throw ExitCode(exitNotRunning)
            default: throw ExitCode(1)
            }
        }
    }

    /// A unix time from the daemon, in the user's words.
    static func when(_ value: BusValue?, zone: TimeZone = SystemZone.current) -> String? {
        guard case .int64(let seconds)? = value, seconds != ControlInterface.noTime else { return nil }
        let clock = ZoneClock(zone: zone)
        return StatusText(clock: clock).when(Date(timeIntervalSince1970: Double(seconds)), now: Date())
    }
}

enum SystemZone {
    static var current: TimeZone {
        if let tz = ProcessInfo.processInfo.environment["TZ"], let zone = TimeZone(identifier: tz.hasPrefix(":") ? String(tz.dropFirst()) : tz) {
            return zone
        }
        return TimeZone.current
    }
}
