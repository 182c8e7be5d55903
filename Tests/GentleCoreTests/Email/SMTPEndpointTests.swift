import Foundation
import Testing
@testable import GentleCore
import GentleTestSupport

@Suite struct SMTPEndpointTests {
    private func endpoint(_ url: String?, starttls: Bool = true) throws -> SMTPEndpoint {
        var s = EmailFixtures.settings(url: url)
        s.starttls = starttls
        return try SMTPEndpoint(settings: s)
    }

    @Test func schemesPickTheSecurity() throws {
        let submission = try endpoint("smtp://mail.example.org:587")
        #expect(submission.security == .startTLS && submission.port == 587 && submission.host == "mail.example.org")
        #expect(submission.curlURL(defaultEHLOName: "Kitchen-PC") == "smtp://mail.example.org:587/kitchen-pc")
        let implicit = try endpoint("SMTPS://mail.example.org")
        #expect(implicit.security == .implicitTLS && implicit.port == 465)
        let relay = try endpoint("smtp://[::1]:2525/me.example", starttls: false)
        #expect(relay.security == SMTPEndpoint.Security.none && relay.host == "::1" && relay.ehloName == "me.example")
        #expect(relay.curlURL(defaultEHLOName: "x") == "smtp://[::1]:2525/me.example")
        #expect(relay.description == "[::1]:2525")
    }

    @Test(arguments: ["localhost", "127.0.0.1", "127.1.2.3", "::1", "LOCALHOST", "relay.localhost"])
    func loopbackNames(_ host: String) { #expect(SMTPEndpoint.isLoopback(host)) }

    @Test(arguments: ["mail.example.org", "127.0.0.1.example.org", "128.0.0.1", "localhost.example.org", "::2", "0.0.0.0"])
    func notLoopback(_ host: String) { #expect(!SMTPEndpoint.isLoopback(host)) }

    @Test(arguments: [
        (nil as String?, "email.url is missing"),
        ("mail.example.org:587", "must start with smtp://"),
        ("http://mail.example.org", "must start with smtp://"),
        ("smtp://", "names no server"),
        ("smtp://ada:pw@mail.example.org", "must not contain a user name or password"),
        ("smtp://mail.example.org:587?x=1", "?query"),
        ("smtp://mail.example.org:587/bad name", "spaces"),
    ])
    func badURLsSayWhatIsWrong(_ input: (String?, String)) {
        do {
            _ = try endpoint(input.0)
            Issue.record("accepted \(input.0 ?? "nil")")
        } catch {
            #expect("\(error)".contains(input.1), "\(error)")
            #expect(!"\(error)".contains(":pw@"))
        }
    }

    @Test func plainSMTPOnlyToLoopback() throws {
        #expect(throws: EmailError.self) { try endpoint("smtp://mail.example.org:25", starttls: false) }
        #expect(try endpoint("smtp://127.0.0.1:25", starttls: false).security == .none)
        // starttls = false means nothing for smtps://, which is always TLS.
        #expect(try endpoint("smtps://mail.example.org", starttls: false).security == .implicitTLS)
    }
}
