import Dispatch
import Foundation
import GentleCore
import Logging

/// The running daemon's control object on the session bus (`io.github.gentle`,
/// `/io/github/gentle`, `io.github.gentle.Control1`): what `gentle status`, `reply`, `snooze`,
/// `pause`, `resume`, `fire` and `reload` talk to. The session bus only lets the same user call
/// it; arguments are still checked here, as input from outside.
public final class ControlService: BusClient, @unchecked Sendable {
    private let daemon: Daemon
    var daemonRef: Daemon { daemon }
    private let logger: Logger
    private let work = DispatchQueue(label: "gentle.control")
    private var slot: BusSlot?

    public init(daemon: Daemon, logger: Logger) {
        self.daemon = daemon
        self.logger = logger
    }

    public func busConnected(_ connection: BusConnection) {
        do {
            slot = try connection.exportObject(path: ControlInterface.objectPath, interfaces: [interface(connection)])
        } catch {
            logger.error("cannot export the control object: \(error); gentle status/reply will not reach this daemon")
            return
        }
        connection.requestName(ControlInterface.busName) { [logger] result in
            switch result {
            case .success(.primaryOwner), .success(.alreadyOwner):
                logger.info("control interface on the session bus as \(ControlInterface.busName)")
            case .success(let other):
                logger.warning("another gentle already owns \(ControlInterface.busName) (\(other)); commands like gentle status will reach that one")
            case .failure(let error):
                logger.warning("could not take the bus name \(ControlInterface.busName): \(error)")
            }
        }
    }

    public func busDisconnected(_ error: BusError?) {
        slot = nil
    }

    /// Runs `body` off the bus queue (it waits for the daemon's queue), then answers on the bus queue.
    func answer(_ call: BusMethodCall, on connection: BusConnection,
                        _ body: @escaping @Sendable () -> Result<[BusValue], ControlFailure>) {
        let bus = connection.queue
        work.async {
            let result = body()
            bus.async {
                switch result {
                case .success(let values): call.reply(values)
                case .failure(let failure): call.fail(name: failure.name, message: failure.message)
                }
            }
        }
    }

    struct ControlFailure: Error {
        var name: String
        var message: String

        init(_ name: String, _ message: String) {
            self.name = name
            self.message = message
        }

        init(_ error: Daemon.ControlError) {
            switch error {
            case .invalidArgument(let text): self.init(ControlInterface.ErrorName.invalidArgument, text)
            case .unknownCheckin: self.init(ControlInterface.ErrorName.unknownCheckin, error.description)
            case .reply(.actionNotOffered): self.init(ControlInterface.ErrorName.notOffered, error.description)
            case .reply(.unknownCheckin): self.init(ControlInterface.ErrorName.unknownCheckin, error.description)
            case .reply(.journal): self.init(ControlInterface.ErrorName.logUnavailable, error.description)
            }
        }
    }

    /// String arguments, checked for length and stray control characters.
    static func strings(_ call: BusMethodCall, _ count: Int) -> Result<[String], ControlFailure> {
        var out: [String] = []
        for value in call.arguments.prefix(count) {
            guard let s = value.stringValue else {
                return .failure(ControlFailure(ControlInterface.ErrorName.invalidArgument, "expected a string argument"))
            }
            guard s.utf8.count <= ControlInterface.maxArgumentLength else {
                return .failure(ControlFailure(ControlInterface.ErrorName.invalidArgument,
                                               "an argument is longer than \(ControlInterface.maxArgumentLength) bytes"))
            }
            out.append(s)
        }
        guard out.count == count else {
            return .failure(ControlFailure(ControlInterface.ErrorName.invalidArgument, "expected \(count) arguments"))
        }
        return .success(out)
    }

    static func unix(_ date: Date?) -> BusValue { .int64(date.map { Int64($0.timeIntervalSince1970) } ?? ControlInterface.noTime) }

    static func duration(_ text: String) -> Result<GentleDuration, ControlFailure> {
        guard let d = GentleDuration(parsing: text) else {
            return .failure(ControlFailure(ControlInterface.ErrorName.invalidArgument,
                                           "\"\(text.prefix(40))\" is not a duration; write it like \"30m\", \"2h\" or \"1d\""))
        }
        return .success(d)
    }

    /// `""` or `"last"` means the occurrence that fired last.
    func resolve(_ occurrence: String) -> Result<String, ControlFailure> {
        if occurrence.isEmpty || occurrence == "last" {
            guard let last = daemon.lastFiredOccurrence() else {
                return .failure(ControlFailure(ControlInterface.ErrorName.nothingFired, "nothing has fired yet"))
            }
            return .success(last.text)
        }
        return .success(occurrence)
    }
}
