import Foundation
import GentleCore
import GentleTestSupport
import Testing
@testable import GentleSystem

/// The libcurl result → verdict table, without a server (the server tests cover 0, 7, 28, 60,
/// 64, 67 and 4xx/5xx for real).
@Suite struct SMTPFailureClassifierTests {
    let endpoint: SMTPEndpoint

    init() throws {
        endpoint = try SMTPEndpoint(settings: EmailFixtures.settings(url: "smtp://mail.example.org:587"))
    }

    private func kind(_ curl: Int, _ response: Int = 0, reply: String? = nil) -> MailSendFailure.Kind? {
        let result = SMTPFailureClassifier.classify(curlCode: curl, responseCode: response, serverReply: reply, curlMessage: "m",
                                                    endpoint: endpoint, username: "ada", timeoutSeconds: 30)
        if case .failed(let f) = result { return f.kind }
        return nil
    }

    @Test func mapsEachFamily() {
        #expect(kind(0, 250, reply: "250 OK") == nil)
        #expect(kind(42) == .aborted)
        #expect(kind(67, 535) == .configuration)
        for code in [60, 58, 77, 83, 90, 91, 64, 1, 3] { #expect(kind(code) == .configuration, "curl \(code)") }
        #expect(kind(8, 550, reply: "550 no") == .permanent)
        #expect(kind(55, 554, reply: "554 no") == .permanent)
        #expect(kind(8, 530, reply: "530 auth required") == .configuration)
        #expect(kind(8, 451, reply: "451 later") == .transient)
        for code in [6, 7, 28, 35, 52, 55, 56, 26] { #expect(kind(code) == .transient, "curl \(code)") }
    }

    @Test func serverTextIsClippedToOnePrintableLine() {
        let long = "550 " + String(repeating: "x", count: 500) + "\r\nBcc: injected"
        let clipped = SMTPFailureClassifier.clip(long)
        #expect(!clipped.contains("\r") && !clipped.contains("\n"))
        #expect(clipped.count <= 301)
    }

    @Test func redactionRemovesEveryFormOfTheSecret() {
        let secret = "hunter2"
        let plain = Data("\0ada\0hunter2".utf8).base64EncodedString()
        let text = "535 bad: hunter2 / \(plain) / \(Data(secret.utf8).base64EncodedString())"
        let redacted = Redaction.redact(text, secret: secret, username: "ada")
        #expect(!redacted.contains(secret) && !redacted.contains(plain) && !redacted.contains(Data(secret.utf8).base64EncodedString()))
        #expect(redacted.hasPrefix("535 bad: [redacted]"))
    }
}
