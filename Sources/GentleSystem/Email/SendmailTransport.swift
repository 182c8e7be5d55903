import CLinux
import Foundation
import GentleCore
import Logging

/// Pipes the message to a local mail program (`/usr/sbin/sendmail -t -i` from msmtp-mta,
/// nullmailer or postfix). Runs it with posix_spawn from an argument vector, never a shell, in
/// its own process group; collects its exit status and stderr; kills it after `timeout`.
public final class SendmailTransport: MailTransport {
    public let command: [String]
    let timeoutSeconds: Double
    let logger: Logger

    public var summary: String { "sendmail \(command.first ?? "")" }

    public init(settings: EmailSettings, logger: Logger) throws {
        guard let program = settings.sendmailCommand.first, !program.isEmpty else {
            throw EmailError.invalidSettings("email.sendmail_command is empty; the default is [\"/usr/sbin/sendmail\", \"-t\", \"-i\"]")
        }
        if settings.sendmailCommand.contains(where: { $0.utf8.contains(0) }) {
            throw EmailError.invalidSettings("email.sendmail_command must not contain NUL characters")
        }
        command = settings.sendmailCommand
        timeoutSeconds = Double(max(1, settings.timeout.seconds))
        self.logger = logger
        // A program that exits before reading all of stdin must not kill the daemon with SIGPIPE;
        // the write then fails with EPIPE instead. (The child gets SIGPIPE back at its default.)
        signal(SIGPIPE, SIG_IGN)
    }

    public func send(_ message: EmailMessage, abort: AbortSignal) -> MailSendResult {
        let spawned: SpawnedProgram
        do {
            spawned = try SpawnedProgram(command)
        } catch let failure as MailSendFailure {
            return .failed(failure)
        } catch {
            return .failed(MailSendFailure(.configuration, "cannot run \(command[0]): \(error)"))
        }
        let started = Date()
        let outcome = spawned.feed(Array(message.text.utf8), timeout: timeoutSeconds, abort: abort)
        logger.debug("sendmail program ended", metadata: [
            "email.program": "\(command[0])", "email.end": "\(outcome.end)",
            "email.duration_ms": "\(Int(Date().timeIntervalSince(started) * 1000))",
        ])
        let stderrText = SMTPFailureClassifier.clip(
            String(decoding: outcome.stderr, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
        let said = stderrText.isEmpty ? "" : " (it said: \(stderrText))"
        let program = command[0]
        switch outcome.end {
        case .aborted:
            return .failed(MailSendFailure(.aborted, "\(program) was stopped at shutdown; the message stays in the outbox"))
        case .timedOut:
            return .failed(MailSendFailure(.transient, "\(program) did not finish within \(Int(timeoutSeconds)) s and was killed"))
        case .signaled(let signal):
            return .failed(MailSendFailure(.transient, "\(program) was killed by signal \(signal)\(said)", responseCode: nil))
        case .exited(let status):
            return SendmailTransport.classify(status: status, program: program, said: said)
        }
    }

    /// sysexits.h codes, as msmtp, nullmailer and postfix use them.
    static func classify(status: Int32, program: String, said: String) -> MailSendResult {
        func fail(_ kind: MailSendFailure.Kind, _ text: String) -> MailSendResult {
            .failed(MailSendFailure(kind, text, responseCode: Int(status)))
        }
        switch status {
        case 0:
            return .accepted(detail: "\(program) exited 0")
        case 64, 77, 78: // EX_USAGE, EX_NOPERM, EX_CONFIG
            return fail(.configuration, "\(program) exited \(status)\(said); check email.sendmail_command and its own configuration")
        case 65, 66, 67, 69: // EX_DATAERR, EX_NOINPUT, EX_NOUSER, EX_UNAVAILABLE
            return fail(.permanent, "\(program) refused the message, exit status \(status)\(said)")
        case 127:
            return fail(.configuration, "\(program) could not be run (exit status 127)\(said); check email.sendmail_command")
        default: // EX_TEMPFAIL (75), EX_NOHOST (68), EX_IOERR, EX_OSERR and anything unknown: try again
            return fail(.transient, "\(program) exited \(status)\(said)")
        }
    }
}

/// One run of a program with a pipe on stdin and one on stderr (stdout goes to /dev/null).
final class SpawnedProgram {
    enum End: Equatable {
        case exited(Int32)
        case signaled(Int32)
        case timedOut
        case aborted
    }

    let pid: pid_t
    private var stdinFD: Int32
    private var stderrFD: Int32

    init(_ argv: [String]) throws {
        var inPipe: [Int32] = [-1, -1]
        var errPipe: [Int32] = [-1, -1]
        guard pipe2(&inPipe, O_CLOEXEC) == 0 else { throw SpawnedProgram.failure("pipe") }
        guard pipe2(&errPipe, O_CLOEXEC) == 0 else {
            close(inPipe[0]); close(inPipe[1])
            throw SpawnedProgram.failure("pipe")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        // Own process group, so a time-out can stop whatever it started too.
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

        var cArguments: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) }
        cArguments.append(nil)
        defer { for p in cArguments { free(p) } }
        var child: pid_t = 0
        var result = posix_spawnp(&child, argv[0], &actions, &attributes, cArguments, environ)
        // ETXTBSY: the program file is still open for writing somewhere (being installed, or
        // inherited for an instant by a process another thread is spawning). It passes.
        for _ in 0..<5 where result == ETXTBSY {
            usleep(20_000)
            result = posix_spawnp(&child, argv[0], &actions, &attributes, cArguments, environ)
        }
        close(inPipe[0])
        close(errPipe[1])
        guard result == 0 else {
            close(inPipe[1]); close(errPipe[0])
            let reason = String(cString: strerror(result)).lowercased()
            throw MailSendFailure(.configuration,
                "cannot run \(argv[0]): \(reason); install a sendmail (msmtp-mta, nullmailer, postfix) or set email.sendmail_command")
        }
        pid = child
        stdinFD = inPipe[1]
        stderrFD = errPipe[0]
        _ = fcntl(stdinFD, F_SETFL, fcntl(stdinFD, F_GETFL) | O_NONBLOCK)
        _ = fcntl(stderrFD, F_SETFL, fcntl(stderrFD, F_GETFL) | O_NONBLOCK)
    }

    deinit {
        if stdinFD >= 0 { close(stdinFD) }
        if stderrFD >= 0 { close(stderrFD) }
    }

    private static func failure(_ call: String) -> MailSendFailure {
        MailSendFailure(.transient, "\(call) failed: \(String(cString: strerror(errno)).lowercased())")
    }

    /// Writes `input` to stdin, closes it, collects stderr (first 64 KiB) and waits for the exit,
    /// for at most `timeout` seconds or until `abort` is raised; then the group is killed.
    func feed(_ input: [UInt8], timeout: Double, abort: AbortSignal) -> (end: End, stderr: [UInt8]) {
        let deadline = Date().addingTimeInterval(timeout)
        var written = 0
        var stderr: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        if input.isEmpty { closeStdin() }
        while true {
            if let end = reap() {
                drainStderr(into: &stderr, buffer: &buffer)
                return (end, stderr)
            }
            if abort.isRaised || Date() >= deadline {
                killGroup()
                return (abort.isRaised ? .aborted : .timedOut, stderr)
            }
            var fds: [pollfd] = []
            if stdinFD >= 0 { fds.append(pollfd(fd: stdinFD, events: Int16(POLLOUT), revents: 0)) }
            if stderrFD >= 0 { fds.append(pollfd(fd: stderrFD, events: Int16(POLLIN), revents: 0)) }
            // Short waits: the loop also notices exit, abort and the deadline.
            _ = poll(&fds, nfds_t(fds.count), fds.isEmpty ? 50 : 100)
            if stdinFD >= 0 {
                let n = input.withUnsafeBytes { raw in
                    write(stdinFD, raw.baseAddress.map { $0 + written }, input.count - written)
                }
                if n > 0 {
                    written += n
                    if written == input.count { closeStdin() }
                } else if n < 0 && errno != EAGAIN && errno != EINTR {
                    // EPIPE: it stopped reading; its exit status will say why.
                    closeStdin()
                }
            }
            drainStderr(into: &stderr, buffer: &buffer)
        }
    }

    private func closeStdin() {
        if stdinFD >= 0 { close(stdinFD); stdinFD = -1 }
    }

    private func drainStderr(into stderr: inout [UInt8], buffer: inout [UInt8]) {
        while stderrFD >= 0 {
            let n = buffer.withUnsafeMutableBytes { read(stderrFD, $0.baseAddress, $0.count) }
            if n > 0 {
                if stderr.count < 65_536 { stderr += buffer[0..<min(n, 65_536 - stderr.count)] }
            } else if n == 0 {
                close(stderrFD)
                stderrFD = -1
            } else {
                return // EAGAIN: nothing more right now
            }
        }
    }

    private func reap() -> End? {
        var status: Int32 = 0
        let r = waitpid(pid, &status, WNOHANG)
        guard r == pid else { return nil }
        // WIFEXITED / WEXITSTATUS are macros; decode the status word directly.
        let signal = status & 0x7F
        if signal == 0 { return .exited((status >> 8) & 0xFF) }
        return .signaled(signal)
    }

    private func killGroup() {
        kill(-pid, SIGKILL)
        kill(pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    }
}
