import Dispatch
import Foundation
import Logging

/// The `gentle` command's side of the control interface: one call to the running daemon,
/// waited for synchronously.
public enum ControlClient {
    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// No session bus to talk on (a plain SSH login without systemd's user session).
        case noSessionBus
        /// The bus is there but no gentle daemon owns `io.github.gentle`.
        case notRunning
        /// The daemon answered with an error: `name` is one of `ControlInterface.ErrorName`.
        case refused(name: String, message: String)
        case other(String)

        public var description: String {
            switch self {
            case .noSessionBus:
                return "no session bus here (DBUS_SESSION_BUS_ADDRESS and $XDG_RUNTIME_DIR/bus are missing), so the daemon cannot be reached"
            case .notRunning:
                return "gentle is not running; start it with: systemctl --user start gentle (or gentle run in a terminal)"
            case .refused(_, let message): return message
            case .other(let text): return text
            }
        }
    }

    /// Calls `member` with `arguments` and returns the reply's values.
    public static func call(_ member: String, _ arguments: [BusValue] = [], timeout: TimeInterval = 15,
                            address: String? = SessionBus.sessionBusAddress()) -> Result<[BusValue], Failure> {
        guard let address else { return .failure(.noSessionBus) }
        let queue = DispatchQueue(label: "gentle.client")
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var outcome: Result<[BusValue], Failure> = .failure(.other("no answer from the daemon"))
        var logger = Logger(label: "gentle.client")
        logger.logLevel = .critical
        let quiet = logger
        queue.async {
            let connection: BusConnection
            do {
                connection = try BusConnection(address: address, queue: queue, logger: quiet, description: "gentle-cli")
            } catch {
                outcome = .failure(.notRunning)
                done.signal()
                return
            }
            connection.call(destination: ControlInterface.busName, path: ControlInterface.objectPath,
                            interface: ControlInterface.interface, member: member, arguments: arguments,
                            timeout: timeout) { result in
                switch result {
                case .success(let message):
                    outcome = .success(message.arguments)
                case .failure(let error):
                    if error.isUnreachable {
                        outcome = .failure(.notRunning)
                    } else if let name = error.remoteName {
                        outcome = .failure(.refused(name: name, message: error.remoteMessage ?? "\(error)"))
                    } else {
                        outcome = .failure(.other("\(error)"))
                    }
                }
                connection.close()
                done.signal()
            }
        }
        if done.wait(timeout: .now() + timeout + 5) == .timedOut {
            return .failure(.other("the daemon did not answer within \(Int(timeout)) s"))
        }
        return outcome
    }
}
