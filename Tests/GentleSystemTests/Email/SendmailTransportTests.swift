import Foundation
import GentleCore
import GentleTestSupport
import Testing
@testable import GentleSystem

/// The sendmail transport with stub programs: small shell scripts in the test's temp dir that
/// record their argv and stdin (the stubs are scripts; gentle itself never uses a shell).
@Suite struct SendmailTransportTests {
    let bed: EmailTestBed

    init() throws { bed = try EmailTestBed() }

    /// Writes an executable stub that records each argument on a line of `argv`, stdin to
    /// `stdin`, then runs `then` (shell text).
    private func stub(_ name: String = "sendmail", then: String = "exit 0") throws -> String {
        let path = bed.directory + "/" + name
        let script = """
            #!/bin/sh
            for a in "$@"; do printf '%s\\n' "$a"; done > "\(bed.directory)/argv"
            cat > "\(bed.directory)/stdin"
            \(then)
            """
        try writeExecutable(path, script)
        return path
    }

    /// Written through a close-on-exec descriptor: a child spawned concurrently by another test
    /// must not inherit it, or exec'ing the stub fails with ETXTBSY.
    private func writeExecutable(_ path: String, _ text: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o755)
        guard fd >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        guard write(fd, bytes, bytes.count) == bytes.count else { throw POSIXError(.EIO) }
    }

    private func settings(_ command: [String], timeout: Int64 = 5) -> EmailSettings {
        var s = EmailFixtures.settings(transport: .sendmail)
        s.sendmailCommand = command
        s.timeout = GentleDuration(seconds: timeout)
        return s
    }

    private func message() throws -> EmailMessage {
        let builder = try EmailMessageBuilder(settings: EmailFixtures.settings(), hostName: "h", timeZone: EmailFixtures.zone)
        return try builder.build(EmailFixtures.delivery(body: "line\n.\nafter a lone dot"), token: "abc123", date: EmailFixtures.scheduled)
    }

    @Test func pipesTheMessageToTheProgramWithItsArgumentVector() throws {
        let program = try stub()
        // An argument a shell would split or expand must arrive whole.
        let transport = try SendmailTransport(settings: settings([program, "-t", "-i", "--from=$HOME; rm -rf /"]), logger: bed.log.logger)
        let msg = try message()
        #expect(transport.send(msg, abort: AbortSignal()) == .accepted(detail: "\(program) exited 0"))
        let argv = try String(contentsOfFile: bed.directory + "/argv", encoding: .utf8)
        #expect(argv == "-t\n-i\n--from=$HOME; rm -rf /\n")
        let stdin = try Data(contentsOf: URL(fileURLWithPath: bed.directory + "/stdin"))
        #expect(stdin == Data(msg.text.utf8))
    }

    @Test func channelDeliversThroughSendmail() async throws {
        let program = try stub()
        let channel = try bed.channel(settings([program, "-t", "-i"]))
        defer { channel.shutdown() }
        let d = EmailFixtures.delivery(scheduled: Date(), staleAt: Date().addingTimeInterval(60))
        channel.deliver(d)
        #expect(await bed.events.first(within: 10) { $0 == .delivered(d.occurrence, .email, detail: "\(program) exited 0") } != nil,
                "events: \(bed.events.all)")
        let stdin = try String(contentsOfFile: bed.directory + "/stdin", encoding: .utf8)
        #expect(stdin.contains("X-Gentle-Occurrence: \(d.occurrence.text)\r\n"))
        #expect(bed.outboxFiles().isEmpty)
    }

    @Test func tempfailIsTransientWithStderr() throws {
        let program = try stub(then: "echo 'msmtp: cannot connect to mail.example.org' >&2; exit 75")
        let result = try SendmailTransport(settings: settings([program]), logger: bed.log.logger).send(try message(), abort: AbortSignal())
        #expect(result == .failed(MailSendFailure(.transient, "\(program) exited 75 (it said: msmtp: cannot connect to mail.example.org)",
                                                  responseCode: 75)))
    }

    @Test func refusalIsPermanent() throws {
        let program = try stub(then: "echo 'recipient address rejected' >&2; exit 67")
        guard case .failed(let f) = try SendmailTransport(settings: settings([program]), logger: bed.log.logger)
            .send(try message(), abort: AbortSignal()) else {
            Issue.record("accepted")
            return
        }
        #expect(f.kind == .permanent)
        #expect(f.message.contains("recipient address rejected"))
    }

    @Test func aHangingProgramIsKilledAtTheTimeout() async throws {
        let program = try stub(then: "sleep 30 & echo $! > \"\(bed.directory)/child\"; wait")
        let started = Date()
        let result = try SendmailTransport(settings: settings([program], timeout: 1), logger: bed.log.logger)
            .send(try message(), abort: AbortSignal())
        let took = Date().timeIntervalSince(started)
        #expect(result == .failed(MailSendFailure(.transient, "\(program) did not finish within 1 s and was killed")))
        #expect(took < 3, "took \(took) s")
        // What it started went too: the whole process group was killed.
        let child = try #require(Int32(try String(contentsOfFile: bed.directory + "/child", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(await eventually(within: 5) {
            guard let stat = try? String(contentsOfFile: "/proc/\(child)/stat", encoding: .utf8) else { return true }
            return stat.contains(") Z ") // a zombie waiting for init to reap it
        })
    }

    @Test func aProgramThatExitsWithoutReadingDoesNotKillUs() throws {
        // Exits at once without reading a large message: our write sees EPIPE, not SIGPIPE.
        let path = bed.directory + "/quitter"
        try writeExecutable(path, "#!/bin/sh\nexit 75\n")
        var big = try message()
        big.text += String(repeating: "x", count: 1_000_000)
        let result = try SendmailTransport(settings: settings([path]), logger: bed.log.logger).send(big, abort: AbortSignal())
        guard case .failed(let f) = result else {
            Issue.record("accepted")
            return
        }
        #expect(f.kind == .transient && f.responseCode == 75)
    }

    @Test func aMissingProgramIsAConfigurationError() throws {
        let missing = bed.directory + "/no-such-sendmail"
        guard case .failed(let f) = try SendmailTransport(settings: settings([missing, "-t"]), logger: bed.log.logger)
            .send(try message(), abort: AbortSignal()) else {
            Issue.record("accepted")
            return
        }
        #expect(f.kind == .configuration)
        #expect(f.message.contains("cannot run \(missing): no such file or directory"))
        #expect(f.message.contains("sendmail_command"))
        #expect(throws: EmailError.self) { try SendmailTransport(settings: settings([]), logger: bed.log.logger) }
    }
}
