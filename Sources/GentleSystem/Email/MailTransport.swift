import Foundation
import GentleCore

/// Hands a composed message to something that forwards it (an SMTP server, a sendmail program).
/// `send` blocks until the peer accepted or refused it, so callers run it on a queue of their own.
public protocol MailTransport: Sendable {
    /// A short name for logs: `smtp mail.example.org:587`, `sendmail /usr/sbin/sendmail`.
    var summary: String { get }
    func send(_ message: EmailMessage, abort: AbortSignal) -> MailSendResult
}

public enum MailSendResult: Sendable, Equatable {
    /// The peer took responsibility for it; `detail` is its answer (`250 2.0.0 Ok: queued as …`).
    case accepted(detail: String)
    case failed(MailSendFailure)
}

/// Why one attempt did not hand the message over. `message` is meant for the parent's log and
/// never contains a password.
public struct MailSendFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// Worth trying again later: connection refused, time-outs, 4xx answers.
        case transient
        /// The server refused this message for good (5xx); retrying would not help.
        case permanent
        /// The settings are wrong (certificate not trusted, login denied, no STARTTLS); gentle keeps
        /// retrying so a fixed password file or CA takes effect without a restart.
        case configuration
        /// `AbortSignal` was raised (shutdown); the message stays in the outbox.
        case aborted
    }

    public var kind: Kind
    public var message: String
    /// libcurl's `CURLcode`, for the smtp transport.
    public var curlCode: Int?
    /// The last SMTP reply code, or the sendmail program's exit status.
    public var responseCode: Int?

    public init(_ kind: Kind, _ message: String, curlCode: Int? = nil, responseCode: Int? = nil) {
        self.kind = kind
        self.message = message
        self.curlCode = curlCode
        self.responseCode = responseCode
    }

    public var description: String { message }
}

/// Raised to make a blocking send give up early (at shutdown). Thread-safe.
public final class AbortSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var raised = false
    private var handlers: [Int: @Sendable () -> Void] = [:]
    private var nextToken = 0

    public init() {}

    public func raise() {
        lock.lock()
        raised = true
        let toRun = handlers.values
        handlers.removeAll()
        lock.unlock()
        for handler in toRun { handler() }
    }

    public var isRaised: Bool {
        lock.lock()
        defer { lock.unlock() }
        return raised
    }

    /// Runs `action` when the signal is raised, at once if it already is. Returns a token for
    /// `removeHandler`.
    @discardableResult
    func onRaise(_ action: @escaping @Sendable () -> Void) -> Int {
        lock.lock()
        if raised {
            lock.unlock()
            action()
            return -1
        }
        nextToken += 1
        let token = nextToken
        handlers[token] = action
        lock.unlock()
        return token
    }

    func removeHandler(_ token: Int) {
        lock.lock()
        handlers[token] = nil
        lock.unlock()
    }
}
