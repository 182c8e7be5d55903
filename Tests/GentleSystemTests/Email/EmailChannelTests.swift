import Foundation
import GentleCore
import GentleTestSupport
import Testing
@testable import GentleSystem

/// The email channel end to end: composed, written to the outbox, sent with libcurl to a real
/// aiosmtpd, parsed back with Python's `email` package.
@Suite struct EmailChannelTests {
    /// A delivery due now that goes stale after `staleIn` seconds.
    private func delivery(_ checkin: String = "breathe", body: String = "Breathe in for four, out for six.\nYou are doing enough. 💛",
                          staleIn: TimeInterval = 120) -> Delivery {
        let now = Date()
        return EmailFixtures.delivery(checkin: checkin, body: body, scheduled: now, staleAt: now.addingTimeInterval(staleIn))
    }

    @Test func deliversAMessagePythonParsesWithoutDefects() async throws {
        let bed = try EmailTestBed()
        let server = try await SMTPTestServer.start()
        defer { server.stop() }
        let channel = try bed.channel(bed.smtpSettings(server))
        defer { channel.shutdown() }
        let d = delivery(body: "Breathe in for four, out for six.\n.\nA lone dot above. Ça va? 💛")
        channel.deliver(d)

        let delivered = await bed.events.first(within: 15) { $0.isDelivered }
        #expect(delivered == .delivered(d.occurrence, .email, detail: "250 2.0.0 OK: queued as gentle-test-1"))
        let message = try #require(try server.received().first)
        #expect(message.defects == [])
        #expect(message.subject == EmailFixtures.accentedEmojiTitle)
        #expect(message.header("From") == "gentle <gentle@example.org>")
        #expect(message.header("To") == "parent@example.org")
        #expect(message.header("MIME-Version") == "1.0")
        #expect(message.header("Auto-Submitted") == "auto-generated")
        #expect(message.header("X-Gentle-Occurrence") == d.occurrence.text)
        let date = try #require(message.header("Date"))
        #expect(date.range(of: #"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$"#, options: .regularExpression) != nil)
        let messageID = try #require(message.header("Message-ID"))
        let idLeft = MessageID.atom(d.occurrence.text)
        #expect(messageID.range(of: "^<\(NSRegularExpression.escapedPattern(for: idLeft))\\.[0-9a-f]{16}@[a-z0-9.-]+>$",
                                options: .regularExpression) != nil, "Message-ID \(messageID)")
        #expect(message.content_type == "multipart/alternative")
        let text = try #require(message.part("text/plain")?.content).replacingOccurrences(of: "\r\n", with: "\n")
        #expect(text.contains("Breathe in for four, out for six.\n.\nA lone dot above. Ça va? 💛"))
        #expect(text.contains("gentle reply \(d.occurrence.text) done \"your note\""))
        #expect(text.contains(d.ask ?? "-"))
        #expect(message.part("text/html")?.content?.contains("<code>gentle reply \(d.occurrence.text) not-now</code>") == true)
        #expect(message.part("text/plain")?.charset == "utf-8")
        #expect((message.max_line_octets ?? 999) <= 78)
        #expect(message.bare_line_feeds == 0 && message.bare_carriage_returns == 0 && message.non_ascii_octets == 0)
        #expect(message.mail_from == "gentle@example.org" && message.rcpt_tos == ["parent@example.org"])
        #expect(await eventually(within: 5) { bed.outboxFiles().isEmpty })
        #expect(channel.isAvailable)
    }

    @Test func startTLSWithAuthTakesThePasswordFromTheSystemdCredential() async throws {
        let bed = try EmailTestBed()
        let certificates = try TestCertificates.make(in: bed.directory)
        let server = try await SMTPTestServer.start(.init(tls: .starttls, certificates: certificates, auth: ("ada", "from-credential")))
        defer { server.stop() }
        let credentials = bed.directory + "/credentials"
        try FileManager.default.createDirectory(atPath: credentials, withIntermediateDirectories: true)
        try "from-credential\n".write(toFile: credentials + "/smtp-password", atomically: true, encoding: .utf8)
        try "stale-file-password\n".write(toFile: bed.directory + "/pw", atomically: true, encoding: .utf8)
        var settings = bed.smtpSettings(server, host: "localhost", starttls: true)
        settings.username = "ada"
        settings.passwordFile = bed.directory + "/pw"
        settings.caFile = certificates.caCertificate
        let channel = try bed.channel(settings, environment: ["CREDENTIALS_DIRECTORY": credentials, "HOME": bed.directory])
        defer { channel.shutdown() }
        channel.deliver(delivery())
        #expect(await bed.events.first(within: 15) { $0.isDelivered } != nil, "events: \(bed.events.all)")
        let message = try #require(try server.received().first)
        #expect(message.tls && message.auth_user == "ada")
        #expect(message.defects == [])
        #expect(!bed.log.text.contains("from-credential"))
    }

    @Test func implicitTLSDelivers() async throws {
        let bed = try EmailTestBed()
        let certificates = try TestCertificates.make(in: bed.directory)
        let server = try await SMTPTestServer.start(.init(tls: .implicit, certificates: certificates))
        defer { server.stop() }
        var settings = bed.smtpSettings(server, scheme: "smtps", host: "localhost", starttls: true)
        settings.caFile = certificates.caCertificate
        let channel = try bed.channel(settings)
        defer { channel.shutdown() }
        channel.deliver(delivery())
        #expect(await bed.events.first(within: 15) { $0.isDelivered } != nil, "events: \(bed.events.all)")
        #expect(try server.received().first?.tls == true)
    }

    @Test func wrongPasswordIsHeldWithAClearErrorThenDroppedStale() async throws {
        let bed = try EmailTestBed()
        let certificates = try TestCertificates.make(in: bed.directory)
        let server = try await SMTPTestServer.start(.init(tls: .starttls, certificates: certificates, auth: ("ada", "right")))
        defer { server.stop() }
        let secret = "Tr0ub4dor&3-wrong"
        try (secret + "\n").write(toFile: bed.directory + "/pw", atomically: true, encoding: .utf8)
        var settings = bed.smtpSettings(server, starttls: true)
        settings.username = "ada"
        settings.passwordFile = bed.directory + "/pw"
        settings.caFile = certificates.caCertificate
        let channel = try bed.channel(settings)
        defer { channel.shutdown() }
        let d = delivery(staleIn: 2)
        channel.deliver(d)

        let held = try #require(await bed.events.first(within: 15) { $0.isHeld })
        let reason = try #require(held.text)
        #expect(reason.contains("refused the login for user \"ada\""))
        #expect(reason.contains("535"))
        #expect(reason.contains("password_file"))
        let dropped = try #require(await bed.events.first(within: 15) { $0.isDroppedStale })
        #expect(dropped.text?.contains("refused the login") == true)
        for event in bed.events.all { #expect(!(event.text ?? "").contains(secret)) }
        #expect(!bed.log.text.contains(secret))
        #expect(!bed.log.text.contains(Data(secret.utf8).base64EncodedString()))
        #expect(bed.events.all.filter(\.isHeld).count == 1)
        #expect(try server.received().isEmpty)
        #expect(bed.outboxFiles().isEmpty)
    }

    @Test func serverDownThenUpDeliversEverythingAfterRetrying() async throws {
        let bed = try EmailTestBed()
        let port = try SMTPTestServer.freePort()
        var settings = EmailFixtures.settings(url: "smtp://127.0.0.1:\(port)")
        settings.starttls = false
        let channel = try bed.channel(settings)
        defer { channel.shutdown() }
        let deliveries = ["breathe", "mini-break", "snuggle"].map { delivery($0) }
        for d in deliveries { channel.deliver(d) }

        let held = await bed.events.first(within: 10) { $0.isHeld }
        #expect(held?.text?.contains("cannot connect to the mail server 127.0.0.1:\(port)") == true)
        #expect(await eventually(within: 10) { bed.outboxFiles().count == 3 })
        #expect(await bed.events.first(within: 5) { $0 == .availabilityChanged(.email, available: false) } != nil)
        #expect(!channel.isAvailable)
        #expect(Set(channel.pendingOccurrences) == Set(deliveries.map(\.occurrence)))

        let server = try await SMTPTestServer.start(.init(port: port))
        defer { server.stop() }
        #expect(await eventually(within: 20) { bed.events.all.filter(\.isDelivered).count == 3 }, "events: \(bed.events.all)")
        let received = try server.received()
        #expect(received.count == 3)
        #expect(Set(received.compactMap { $0.header("X-Gentle-Occurrence") }) == Set(deliveries.map(\.occurrence.text)))
        #expect(received.allSatisfy { $0.defects.isEmpty })
        #expect(await eventually(within: 5) { bed.outboxFiles().isEmpty })
        #expect(await bed.events.first(within: 5) { $0 == .availabilityChanged(.email, available: true) } != nil)
        #expect(!bed.events.all.contains { $0.isFailed || $0.isDroppedStale })
    }

    @Test func permanentRefusalIsReportedAsFailedWithTheServerText() async throws {
        let bed = try EmailTestBed()
        let server = try await SMTPTestServer.start(.init(reject: (550, "5.1.1 <parent@example.org>: mailbox unavailable")))
        defer { server.stop() }
        let channel = try bed.channel(bed.smtpSettings(server))
        defer { channel.shutdown() }
        let d = delivery()
        channel.deliver(d)
        let failed = try #require(await bed.events.first(within: 15) { $0.isFailed })
        #expect(failed == .failed(d.occurrence, .email,
                                  error: "the mail server 127.0.0.1:\(server.port) refused the message (it said: 550 5.1.1 <parent@example.org>: mailbox unavailable)"))
        #expect(await eventually(within: 5) { bed.outboxFiles().isEmpty })
        // Not retried: nothing else happens for this occurrence.
        try await Task.sleep(nanoseconds: 1_000_000_000)
        #expect(bed.events.all.count == 1)
    }

    @Test func stallMidDataTimesOutAndTheRetryDelivers() async throws {
        let bed = try EmailTestBed()
        let server = try await SMTPTestServer.start(.init(stallData: 1))
        defer { server.stop() }
        var settings = bed.smtpSettings(server)
        settings.timeout = GentleDuration(seconds: 2)
        let channel = try bed.channel(settings)
        defer { channel.shutdown() }
        let d = delivery()
        let started = Date()
        channel.deliver(d)
        let held = try #require(await bed.events.first(within: 10) { $0.isHeld })
        #expect(held.text?.contains("no answer from the mail server 127.0.0.1:\(server.port) within 2 s") == true)
        #expect(await bed.events.first(within: 15) { $0.isDelivered } != nil, "events: \(bed.events.all)")
        let took = Date().timeIntervalSince(started)
        #expect(took < 8, "delivered after \(took) s")
        #expect(server.stalledCount() == 1)
        let received = try server.received()
        #expect(received.count == 1)
        #expect(received.first?.header("X-Gentle-Occurrence") == d.occurrence.text)
    }

    @Test func unreachableUntilStaleIsDroppedWithTheLastError() async throws {
        let bed = try EmailTestBed()
        let port = try SMTPTestServer.freePort()
        var settings = EmailFixtures.settings(url: "smtp://127.0.0.1:\(port)")
        settings.starttls = false
        let channel = try bed.channel(settings)
        defer { channel.shutdown() }
        let d = delivery(staleIn: 1.5)
        channel.deliver(d)
        let dropped = try #require(await bed.events.first(within: 10) { $0.isDroppedStale })
        guard case .droppedStale(let occurrence, .email, let error) = dropped else { return }
        #expect(occurrence == d.occurrence)
        #expect(error?.hasPrefix("cannot connect to the mail server 127.0.0.1:\(port) (Failed to connect") == true, "\(error ?? "nil")")
        #expect(bed.outboxFiles().isEmpty)
        #expect(channel.pendingOccurrences.isEmpty)
        #expect(channel.isAvailable)
    }

    @Test func aRestartedChannelResumesTheOutbox() async throws {
        let bed = try EmailTestBed()
        let port = try SMTPTestServer.freePort()
        var settings = EmailFixtures.settings(url: "smtp://127.0.0.1:\(port)")
        settings.starttls = false
        // A 2 s retry: no second attempt before the shutdown below.
        let first = try bed.channel(settings, retries: RetrySchedule(first: 2, maximum: 2))
        let d = delivery()
        first.deliver(d)
        #expect(await bed.events.first(within: 10) { $0.isHeld } != nil)
        first.shutdown()
        let files = bed.outboxFiles()
        #expect(files.count == 1)
        let stored = try String(contentsOfFile: bed.outboxDirectory + "/" + files[0], encoding: .utf8)
        // The failed attempt is on disk (a busy machine may have fitted in a second one).
        #expect(stored.range(of: #""attempts" : [1-9]"#, options: .regularExpression) != nil)
        #expect(stored.contains("cannot connect to the mail server 127.0.0.1:\(port)"))

        let server = try await SMTPTestServer.start(.init(port: port))
        defer { server.stop() }
        let second = try bed.channel(settings, retries: .standard)
        defer { second.shutdown() }
        #expect(second.pendingOccurrences == [d.occurrence])
        // Sent when the stored next attempt comes due (within 2 s), not a standard minute later.
        #expect(await bed.events.first(within: 15) { $0.isDelivered } != nil, "events: \(bed.events.all)")
        let received = try #require(try server.received().first)
        let messageID = try #require(received.header("Message-ID"))
        #expect(stored.contains(messageID))
        #expect(bed.outboxFiles().isEmpty)
    }

    @Test func shutdownAbandonsAnInFlightSendAndKeepsTheMessage() async throws {
        let bed = try EmailTestBed()
        let server = try await SMTPTestServer.start(.init(stallData: 1))
        defer { server.stop() }
        var settings = bed.smtpSettings(server)
        settings.timeout = GentleDuration(seconds: 30)
        let channel = try bed.channel(settings)
        channel.deliver(delivery())
        #expect(await eventually(within: 10) { server.stalledCount() == 1 })
        let started = Date()
        channel.shutdown()
        let took = Date().timeIntervalSince(started)
        #expect(took < 1, "shutdown took \(took) s")
        #expect(bed.outboxFiles().count == 1)
        try await Task.sleep(nanoseconds: 300_000_000)
        #expect(!bed.events.all.contains { $0.isDelivered || $0.isFailed || $0.isHeld })
    }

    @Test func withdrawnMessagesAreNotSent() async throws {
        let bed = try EmailTestBed()
        let port = try SMTPTestServer.freePort()
        var settings = EmailFixtures.settings(url: "smtp://127.0.0.1:\(port)")
        settings.starttls = false
        let channel = try bed.channel(settings, retries: RetrySchedule(first: 1, maximum: 1))
        defer { channel.shutdown() }
        let d = delivery()
        channel.deliver(d)
        #expect(await bed.events.first(within: 10) { $0.isHeld } != nil)
        channel.withdraw(d.occurrence)
        #expect(await eventually(within: 5) { bed.outboxFiles().isEmpty })
        let server = try await SMTPTestServer.start(.init(port: port))
        defer { server.stop() }
        try await Task.sleep(nanoseconds: 2_000_000_000)
        #expect(try server.received().isEmpty)
        #expect(channel.pendingOccurrences.isEmpty)
    }

    @Test func theSameOccurrenceIsQueuedOnce() async throws {
        let bed = try EmailTestBed()
        let server = try await SMTPTestServer.start()
        defer { server.stop() }
        let channel = try bed.channel(bed.smtpSettings(server))
        defer { channel.shutdown() }
        let d = delivery()
        channel.deliver(d)
        channel.deliver(d)
        #expect(await bed.events.first(within: 15) { $0.isDelivered } != nil)
        try await Task.sleep(nanoseconds: 500_000_000)
        #expect(try server.received().count == 1)
    }

    @Test func staleOnArrivalOrUncomposableDeliveriesAreReportedAtOnce() async throws {
        let bed = try EmailTestBed()
        let server = try await SMTPTestServer.start()
        defer { server.stop() }
        let channel = try bed.channel(bed.smtpSettings(server))
        defer { channel.shutdown() }
        let stale = delivery("late", staleIn: -1)
        channel.deliver(stale)
        var injected = delivery("injected")
        injected.title = "Hello\r\nBcc: someone@example.org"
        channel.deliver(injected)
        #expect(await bed.events.first(within: 5) { $0 == .droppedStale(stale.occurrence, .email, error: nil) } != nil)
        let failed = try #require(await bed.events.first(within: 5) { $0.isFailed })
        #expect(failed.text?.contains("line break") == true)
        #expect(try server.received().isEmpty)
        #expect(bed.outboxFiles().isEmpty)
    }

    @Test func anUnwritableOutboxStillSendsFromMemoryAndSaysSo() async throws {
        let bed = try EmailTestBed()
        let server = try await SMTPTestServer.start()
        defer { server.stop() }
        let channel = try bed.channel(bed.smtpSettings(server))
        defer { channel.shutdown() }
        // The outbox directory turns into a file: every write fails (as root too).
        try FileManager.default.removeItem(atPath: bed.outboxDirectory)
        try "".write(toFile: bed.outboxDirectory, atomically: false, encoding: .utf8)
        channel.deliver(delivery())
        #expect(await bed.events.first(within: 15) { $0.isDelivered } != nil, "events: \(bed.events.all)")
        #expect(try server.received().count == 1)
        #expect(bed.log.text.contains("not a directory; sending it without a copy on disk"))
    }

    @Test func unusableSettingsAreRefusedAtCreation() throws {
        let bed = try EmailTestBed()
        var remotePlain = EmailFixtures.settings(url: "smtp://mail.example.org:25")
        remotePlain.starttls = false
        #expect(throws: EmailError.self) { try bed.channel(remotePlain) }
        do {
            _ = try bed.channel(remotePlain)
        } catch {
            #expect("\(error)".contains("email.starttls = false is only allowed for a mail relay on this machine"))
        }
        let secretInURL = EmailFixtures.settings(url: "smtp://ada:hunter2@mail.example.org:587")
        do {
            _ = try bed.channel(secretInURL)
            Issue.record("a url with a password was accepted")
        } catch {
            #expect("\(error)".contains("must not contain a user name or password"))
            #expect(!"\(error)".contains("hunter2"))
        }
        #expect(throws: EmailError.self) { try bed.channel(EmailFixtures.settings(url: "http://mail.example.org")) }
        #expect(throws: EmailError.self) { try bed.channel(EmailFixtures.settings(url: nil)) }
        #expect(throws: EmailError.self) { try bed.channel(EmailFixtures.settings(url: "smtp://mail.example.org:587", to: "nobody")) }
        var loopbackPlain = EmailFixtures.settings(url: "smtp://[::1]:25")
        loopbackPlain.starttls = false
        let channel = try bed.channel(loopbackPlain)
        channel.shutdown()
    }
}
