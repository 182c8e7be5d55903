import Foundation
import GentleCore
import GentleTestSupport
import Testing
@testable import GentleSystem

/// The libcurl transport against a real aiosmtpd on loopback, one server per test.
@Suite struct SMTPTransportTests {
    let log = LogCapture()

    private func transport(_ settings: EmailSettings, environment: [String: String] = [:]) throws -> SMTPTransport {
        try SMTPTransport(settings: settings, credentials: SMTPCredentials(settings: settings, environment: environment),
                          hostName: "kitchen-pc.example", logger: log.logger)
    }

    private func settings(_ url: String, starttls: Bool = true) -> EmailSettings {
        var s = EmailFixtures.settings(url: url)
        s.starttls = starttls
        s.timeout = GentleDuration(seconds: 5)
        return s
    }

    private func message(_ body: String = "Hello.") -> EmailMessage {
        let text = "From: gentle@example.org\r\nTo: parent@example.org\r\nSubject: raw\r\nMessage-ID: <raw.1@test>\r\n\r\n" + body
        return EmailMessage(messageID: "<raw.1@test>", envelopeFrom: "gentle@example.org", envelopeTo: ["parent@example.org"], text: text)
    }

    private func failure(_ result: MailSendResult) -> MailSendFailure? {
        if case .failed(let f) = result { return f }
        return nil
    }

    @Test func plainLoopbackDeliversAndDotStuffs() async throws {
        let server = try await SMTPTestServer.start()
        defer { server.stop() }
        // Lines a naive transport would break: a lone "." ends DATA, a leading "." loses a dot.
        let body = "first\r\n.\r\n..two dots\r\n.x\r\n.\r\nlast\r\n"
        let result = try transport(settings("smtp://127.0.0.1:\(server.port)", starttls: false)).send(message(body), abort: AbortSignal())
        #expect(result == .accepted(detail: "250 2.0.0 OK: queued as gentle-test-1"))
        let received = try server.received()
        #expect(received.count == 1)
        let raw = String(decoding: try #require(received.first).raw, as: UTF8.self)
        #expect(raw.hasSuffix("\r\n\r\n" + body))
        #expect(received.first?.mail_from == "gentle@example.org")
        #expect(received.first?.rcpt_tos == ["parent@example.org"])
        #expect(received.first?.ehlo == "kitchen-pc.example")
        #expect(received.first?.tls == false)
    }

    @Test func ehloNameComesFromTheURLPath() async throws {
        let server = try await SMTPTestServer.start()
        defer { server.stop() }
        let result = try transport(settings("smtp://localhost:\(server.port)/laptop.home.arpa", starttls: false))
            .send(message(), abort: AbortSignal())
        #expect(result == .accepted(detail: "250 2.0.0 OK: queued as gentle-test-1"))
        #expect(try server.received().first?.ehlo == "laptop.home.arpa")
    }

    @Test func startTLSWithAuthAgainstAPrivateCA() async throws {
        let dir = try PackagePaths.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let certificates = try TestCertificates.make(in: dir)
        let server = try await SMTPTestServer.start(.init(tls: .starttls, certificates: certificates, auth: ("ada", "s3cret pass")))
        defer { server.stop() }
        try "s3cret pass\n".write(toFile: dir + "/pw", atomically: true, encoding: .utf8)
        var s = settings("smtp://localhost:\(server.port)")
        s.username = "ada"
        s.passwordFile = dir + "/pw"
        s.caFile = certificates.caCertificate
        let result = try transport(s).send(message(), abort: AbortSignal())
        guard case .accepted = result else {
            Issue.record("not accepted: \(result)")
            return
        }
        let received = try #require(try server.received().first)
        #expect(received.tls)
        #expect(received.auth_user == "ada")
    }

    @Test func startTLSIsRequiredWhenTheServerDoesNotOfferIt() async throws {
        let server = try await SMTPTestServer.start()
        defer { server.stop() }
        let f = try #require(failure(try transport(settings("smtp://127.0.0.1:\(server.port)")).send(message(), abort: AbortSignal())))
        #expect(f.kind == .configuration)
        #expect(f.curlCode == 64)
        #expect(f.message.contains("does not offer STARTTLS"))
        #expect(try server.received().isEmpty)
    }

    @Test func implicitTLS() async throws {
        let dir = try PackagePaths.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let certificates = try TestCertificates.make(in: dir)
        let server = try await SMTPTestServer.start(.init(tls: .implicit, certificates: certificates))
        defer { server.stop() }
        var s = settings("smtps://127.0.0.1:\(server.port)")
        s.caFile = certificates.caCertificate
        let result = try transport(s).send(message(), abort: AbortSignal())
        guard case .accepted = result else {
            Issue.record("not accepted: \(result)")
            return
        }
        #expect(try server.received().first?.tls == true)
    }

    @Test func untrustedCertificateIsAConfigurationError() async throws {
        let dir = try PackagePaths.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let certificates = try TestCertificates.make(in: dir)
        let server = try await SMTPTestServer.start(.init(tls: .implicit, certificates: certificates))
        defer { server.stop() }
        var s = settings("smtps://127.0.0.1:\(server.port)")
        s.caFile = certificates.otherCACertificate
        let f = try #require(failure(try transport(s).send(message(), abort: AbortSignal())))
        #expect(f.kind == .configuration)
        #expect(f.curlCode == 60)
        #expect(f.message.contains("not trusted"))
        #expect(f.message.contains("email.ca_file"))
        // Without ca_file the system store does not know the private CA either.
        s.caFile = nil
        #expect(failure(try transport(s).send(message(), abort: AbortSignal()))?.curlCode == 60)
        #expect(try server.received().isEmpty)
    }

    @Test func wrongPasswordSaysSoWithoutRevealingIt() async throws {
        let dir = try PackagePaths.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let certificates = try TestCertificates.make(in: dir)
        let server = try await SMTPTestServer.start(.init(tls: .starttls, certificates: certificates, auth: ("ada", "right")))
        defer { server.stop() }
        let wrong = "Wr0ng-Horse-Battery"
        var s = settings("smtp://127.0.0.1:\(server.port)")
        s.username = "ada"
        s.password = wrong
        s.caFile = certificates.caCertificate
        let f = try #require(failure(try transport(s).send(message(), abort: AbortSignal())))
        #expect(f.kind == .configuration)
        #expect(f.curlCode == 67)
        #expect(f.message.contains("refused the login for user \"ada\""))
        #expect(f.message.contains("535"))
        #expect(!f.message.contains(wrong))
        #expect(!f.message.contains(Data(wrong.utf8).base64EncodedString()))
        #expect(!log.text.contains(wrong))
        #expect(try server.received().isEmpty)
    }

    @Test func refusedConnectionIsTransient() throws {
        let port = try SMTPTestServer.freePort()
        let f = try #require(failure(try transport(settings("smtp://127.0.0.1:\(port)", starttls: false)).send(message(), abort: AbortSignal())))
        #expect(f.kind == .transient)
        #expect(f.curlCode == 7)
        #expect(f.message.contains("cannot connect to the mail server 127.0.0.1:\(port)"))
    }

    @Test func permanentRefusalCarriesTheServerText() async throws {
        let server = try await SMTPTestServer.start(.init(reject: (550, "5.7.1 Not today, thank you")))
        defer { server.stop() }
        let f = try #require(failure(try transport(settings("smtp://127.0.0.1:\(server.port)", starttls: false)).send(message(), abort: AbortSignal())))
        #expect(f.kind == .permanent)
        #expect(f.responseCode == 550)
        #expect(f.message.contains("550 5.7.1 Not today, thank you"))
    }

    @Test func deferralIsTransient() async throws {
        let server = try await SMTPTestServer.start(.init(reject: (451, "4.3.0 Try again later")))
        defer { server.stop() }
        let f = try #require(failure(try transport(settings("smtp://127.0.0.1:\(server.port)", starttls: false)).send(message(), abort: AbortSignal())))
        #expect(f.kind == .transient)
        #expect(f.message.contains("451 4.3.0 Try again later"))
    }

    @Test func stallAfterTheDataTimesOut() async throws {
        let server = try await SMTPTestServer.start(.init(stallData: 1))
        defer { server.stop() }
        var s = settings("smtp://127.0.0.1:\(server.port)", starttls: false)
        s.timeout = GentleDuration(seconds: 2)
        let started = Date()
        let f = try #require(failure(try transport(s).send(message(), abort: AbortSignal())))
        let took = Date().timeIntervalSince(started)
        #expect(f.kind == .transient)
        #expect(f.curlCode == 28)
        #expect(f.message.contains("within 2 s"))
        // The time-out, plus at most the second the transport grants libcurl's QUIT.
        #expect(took >= 1.9 && took < 3.8, "took \(took) s")
        #expect(server.stalledCount() == 1)
    }

    @Test func abortEndsAStalledSendWithinAboutASecond() async throws {
        let server = try await SMTPTestServer.start(.init(stallData: 1))
        defer { server.stop() }
        var s = settings("smtp://127.0.0.1:\(server.port)", starttls: false)
        s.timeout = GentleDuration(seconds: 30)
        let abort = AbortSignal()
        let t = try transport(s)
        let outcome = EventRecorder<(MailSendResult, TimeInterval)>()
        let started = Date()
        DispatchQueue.global().async {
            let r = t.send(self.message(), abort: abort)
            outcome.record((r, Date().timeIntervalSince(started)))
        }
        #expect(await eventually(within: 10) { server.stalledCount() == 1 })
        let raised = Date()
        abort.raise()
        let result = await outcome.first(within: 5) { _ in true }
        #expect(result.flatMap { failure($0.0) }?.kind == .aborted)
        #expect(Date().timeIntervalSince(raised) < 2.5)
    }
}
