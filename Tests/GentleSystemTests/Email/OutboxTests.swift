import Foundation
import GentleCore
import GentleTestSupport
import Testing
@testable import GentleSystem

@Suite struct OutboxTests {
    let bed: EmailTestBed

    init() throws { bed = try EmailTestBed() }

    private func entry(_ checkin: String = "breathe", attempts: Int = 0, lastError: String? = nil) throws -> OutboxEntry {
        let d = EmailFixtures.delivery(checkin: checkin)
        let builder = try EmailMessageBuilder(settings: EmailFixtures.settings(), hostName: "h", timeZone: EmailFixtures.zone)
        let message = try builder.build(d, token: "0123456789abcdef", date: EmailFixtures.scheduled)
        return OutboxEntry(occurrence: d.occurrence, staleAt: d.staleAt, createdAt: EmailFixtures.scheduled.addingTimeInterval(Double(checkin.count)),
                           attempts: attempts, nextAttempt: EmailFixtures.scheduled.addingTimeInterval(60.5), lastError: lastError, message: message)
    }

    @Test func writtenEntriesLoadBackExactlyWithPrivateModes() throws {
        let outbox = try Outbox(stateDirectory: bed.stateDirectory)
        let a = try entry("breathe", attempts: 2, lastError: "cannot connect to the mail server \"x\"\n(refused)")
        let b = try entry("mini-break")
        try outbox.write(a)
        try outbox.write(b)
        let (loaded, problems) = outbox.load()
        #expect(problems.isEmpty)
        #expect(loaded == [a, b])
        #expect(bed.outboxFiles() == ["breathe.2026-11-27T143000+0100.json", "mini-break.2026-11-27T143000+0100.json"])
        var info = stat()
        #expect(stat(bed.outboxDirectory + "/" + a.fileName, &info) == 0 && info.st_mode & 0o777 == 0o600)
        #expect(stat(bed.outboxDirectory, &info) == 0 && info.st_mode & 0o777 == 0o700)
    }

    @Test func rewritingReplacesAndRemovingDeletes() throws {
        let outbox = try Outbox(stateDirectory: bed.stateDirectory)
        var a = try entry()
        try outbox.write(a)
        a.attempts = 3
        a.lastError = "451 later"
        try outbox.write(a)
        #expect(outbox.load().entries == [a])
        try outbox.remove(a)
        #expect(outbox.load().entries.isEmpty)
        #expect(bed.outboxFiles().isEmpty)
        try outbox.remove(a) // already gone: fine
    }

    @Test func leftoversOfAnInterruptedWriteAreRemovedAndCorruptFilesKeptAside() throws {
        let outbox = try Outbox(stateDirectory: bed.stateDirectory)
        let good = try entry()
        try outbox.write(good)
        // A crash between create and rename leaves a temp file; a torn or foreign file is kept.
        try "{\"v\":1,\"occ".write(toFile: bed.outboxDirectory + "/.breathe.json.123.456.tmp", atomically: false, encoding: .utf8)
        try "{\"v\":1,\"occ".write(toFile: bed.outboxDirectory + "/torn.json", atomically: false, encoding: .utf8)
        let (loaded, problems) = outbox.load()
        #expect(loaded == [good])
        #expect(problems.count == 1 && problems[0].contains("torn.json could not be read"))
        #expect(bed.outboxFiles() == [good.fileName, "torn.json.corrupt"])
    }

    @Test func aFailedWriteReportsThePathAndReason() throws {
        let outbox = try Outbox(stateDirectory: bed.stateDirectory)
        // Works as root too (permissions would not stop root): the directory is now a file.
        try FileManager.default.removeItem(atPath: bed.outboxDirectory)
        try "".write(toFile: bed.outboxDirectory, atomically: false, encoding: .utf8)
        do {
            try outbox.write(try entry())
            Issue.record("write succeeded")
        } catch let error as OutboxError {
            #expect(error.description.hasPrefix("cannot create \(bed.outboxDirectory)/.breathe."))
            #expect(error.description.hasSuffix(": not a directory"))
        }
    }
}

@Suite struct SMTPCredentialsTests {
    let bed: EmailTestBed

    init() throws { bed = try EmailTestBed() }

    private func settings(file: String? = nil, inline: String? = nil) -> EmailSettings {
        var s = EmailFixtures.settings(url: "smtps://mail.example.org")
        s.username = "ada"
        s.passwordFile = file
        s.password = inline
        return s
    }

    @Test func systemdCredentialComesFirstThenFileThenInline() throws {
        let credentials = bed.directory + "/creds"
        try FileManager.default.createDirectory(atPath: credentials, withIntermediateDirectories: true)
        try "from-file\r\n".write(toFile: bed.directory + "/pw", atomically: true, encoding: .utf8)
        let environment = ["HOME": bed.directory, "CREDENTIALS_DIRECTORY": credentials]
        let s = settings(file: "~/pw", inline: "inline")
        // No credential file yet: password_file, with ~ expanded and the line break trimmed.
        #expect(try SMTPCredentials(settings: s, environment: environment).password() == "from-file")
        #expect(SMTPCredentials(settings: s, environment: environment).sourceDescription == "password_file \(bed.directory)/pw")
        try " spaced secret \n\n".write(toFile: credentials + "/smtp-password", atomically: true, encoding: .utf8)
        #expect(try SMTPCredentials(settings: s, environment: environment).password() == " spaced secret ")
        #expect(SMTPCredentials(settings: s, environment: environment).sourceDescription == "systemd credential smtp-password")
        #expect(try SMTPCredentials(settings: settings(inline: "inline"), environment: ["HOME": bed.directory]).password() == "inline")
        #expect(try SMTPCredentials(settings: settings(), environment: ["HOME": bed.directory]).password() == nil)
    }

    @Test func unreadableOrEmptyFilesSayWhatToDoWithoutTheirContent() throws {
        let missing = SMTPCredentials(settings: settings(file: bed.directory + "/nope"), environment: [:])
        #expect(throws: MailSendFailure(.configuration, "cannot read email.password_file \(bed.directory)/nope: no such file or directory; it must exist and be readable by you (chmod 600)")) {
            try missing.password()
        }
        try "\n".write(toFile: bed.directory + "/empty", atomically: true, encoding: .utf8)
        #expect(throws: MailSendFailure(.configuration, "email.password_file \(bed.directory)/empty is empty; write the SMTP password into it")) {
            try SMTPCredentials(settings: settings(file: bed.directory + "/empty"), environment: [:]).password()
        }
        try String(repeating: "secret", count: 1000).write(toFile: bed.directory + "/big", atomically: true, encoding: .utf8)
        do {
            _ = try SMTPCredentials(settings: settings(file: bed.directory + "/big"), environment: [:]).password()
            Issue.record("a 6 kB password file was accepted")
        } catch {
            #expect("\(error)".contains("larger than 4096 bytes"))
            #expect(!"\(error)".contains("secretsecret"))
        }
    }

    @Test func aMissingPasswordIsReportedBeforeConnecting() throws {
        let s = settings()
        let transport = try SMTPTransport(settings: s, credentials: SMTPCredentials(settings: s, environment: [:]),
                                          hostName: "h", logger: bed.log.logger)
        let message = EmailMessage(messageID: "<a@b>", envelopeFrom: "a@example.org", envelopeTo: ["b@example.org"], text: "x\r\n")
        guard case .failed(let f) = transport.send(message, abort: AbortSignal()) else {
            Issue.record("sent without a password")
            return
        }
        #expect(f.kind == .configuration)
        #expect(f.message.contains("no password was found"))
    }
}
