import Foundation
import GentleCore

/// Where the daemon writes its records. `append` returns only once the record is durable;
/// it throws when it is not (disk full, read-only file), and the daemon then holds back.
public protocol EventJournal: AnyObject, Sendable {
    func append(_ record: EventRecord) throws
}

/// The service manager's notification socket (`sd_notify`).
public protocol ServiceManagerLink: Sendable {
    /// Sends one notification payload such as `READY=1` or `STATUS=…`.
    func send(_ payload: String)
    /// How often to send `WATCHDOG=1`, when the manager asked for it and it is meant for us.
    var watchdogInterval: TimeInterval? { get }
}

/// Loads and validates the config file; the error's description is the file:line:column text.
public typealias ConfigLoading = @Sendable (_ path: String) throws -> GentleConfig
