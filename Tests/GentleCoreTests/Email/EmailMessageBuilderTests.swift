import Foundation
import Testing
@testable import GentleCore
import GentleTestSupport

@Suite struct EmailMessageBuilderTests {
    let builder: EmailMessageBuilder

    init() throws {
        builder = try EmailMessageBuilder(settings: EmailFixtures.settings(), hostName: "Kitchen-PC.local",
                                          timeZone: EmailFixtures.zone)
    }

    private func headers(_ message: EmailMessage) -> [String] {
        let head = message.text.components(separatedBy: "\r\n\r\n")[0]
        return head.replacingOccurrences(of: "\r\n ", with: " ").components(separatedBy: "\r\n")
    }

    @Test func carriesTheRequiredHeaders() throws {
        let message = try builder.build(EmailFixtures.delivery(), token: "3f9c1e2a", date: EmailFixtures.scheduled)
        let fields = headers(message)
        #expect(fields.contains("Date: Fri, 27 Nov 2026 14:30:00 +0100"))
        #expect(fields.contains("From: gentle <gentle@example.org>"))
        #expect(fields.contains("To: parent@example.org"))
        #expect(fields.contains("Message-ID: <breathe.2026-11-27T143000+0100.3f9c1e2a@kitchen-pc.local>"))
        #expect(fields.contains("MIME-Version: 1.0"))
        #expect(fields.contains("Content-Type: multipart/alternative; boundary=\"=_gentle_3f9c1e2a\""))
        #expect(fields.contains("Auto-Submitted: auto-generated"))
        #expect(fields.contains { $0.hasPrefix("Subject: =?UTF-8?") })
        #expect(message.messageID == "<breathe.2026-11-27T143000+0100.3f9c1e2a@kitchen-pc.local>")
        #expect(message.envelopeFrom == "gentle@example.org")
        #expect(message.envelopeTo == ["parent@example.org"])
    }

    @Test func isSevenBitWithCRLFAndShortLines() throws {
        let long = String(repeating: "A very long line without a break, ", count: 60)
        let delivery = EmailFixtures.delivery(body: "first\n.\n..two\n" + long + "\nlast line ends with a space ")
        let text = try builder.build(delivery, token: "abc", date: EmailFixtures.scheduled).text
        #expect(text.unicodeScalars.allSatisfy { $0.isASCII })
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\r"))
        #expect(text.hasSuffix("--=_gentle_abc--\r\n"))
        for line in text.components(separatedBy: "\r\n") {
            #expect(line.utf8.count <= 76, "line over 76: \(line)")
            // A lone dot (or any leading dot) is escaped, so it survives a transport without dot-stuffing.
            #expect(!line.hasPrefix("."))
        }
    }

    @Test func bodyCarriesTheCheckinPromptAndReplyCommands() throws {
        let delivery = EmailFixtures.delivery(title: "Breathe", body: "Breathe in for four.", ask: "Anything to note?")
        let content = EmailContent(delivery)
        let occurrence = delivery.occurrence.text
        #expect(content.plainText.contains("Breathe in for four."))
        #expect(content.plainText.contains("Anything to note?"))
        #expect(content.plainText.contains("gentle reply \(occurrence) done \"your note\""))
        #expect(content.plainText.contains("gentle reply \(occurrence) not-now"))
        #expect(content.plainText.contains("gentle reply \(occurrence) snooze:30m"))
        #expect(content.html.contains("<code>gentle reply \(occurrence) done &quot;your note&quot;</code>"))
        let quiet = EmailContent(EmailFixtures.delivery(ask: nil))
        #expect(quiet.plainText.contains("gentle reply \(occurrence) done\n"))
    }

    @Test func htmlEscapesCheckinText() {
        let content = EmailContent(EmailFixtures.delivery(title: "<b>Tea & rest</b>", body: "a < b \"q\""))
        #expect(content.html.contains("&lt;b&gt;Tea &amp; rest&lt;/b&gt;"))
        #expect(content.html.contains("a &lt; b &quot;q&quot;"))
        #expect(!content.html.contains("<b>"))
    }

    @Test func rejectsLineBreaksInTitleAndAddresses() throws {
        #expect(throws: EmailError.self) {
            try builder.build(EmailFixtures.delivery(title: "Hi\r\nBcc: x@example.org"), token: "t", date: EmailFixtures.scheduled)
        }
        #expect(throws: EmailError.headerHasControlCharacter(field: "to")) {
            try EmailMessageBuilder(settings: EmailFixtures.settings(to: "a@example.org\nBcc: b@example.org"),
                                    hostName: "h", timeZone: EmailFixtures.zone)
        }
        var settings = EmailFixtures.settings()
        settings.subjectPrefix = "[gentle]\n"
        #expect(throws: EmailError.headerHasControlCharacter(field: "subject_prefix")) {
            try EmailMessageBuilder(settings: settings, hostName: "h", timeZone: EmailFixtures.zone)
        }
    }

    @Test func subjectPrefixIsSeparatedByASpace() throws {
        var settings = EmailFixtures.settings()
        settings.subjectPrefix = "[gentle]"
        let b = try EmailMessageBuilder(settings: settings, hostName: "h", timeZone: EmailFixtures.zone)
        let message = try b.build(EmailFixtures.delivery(title: "Breathe"), token: "t", date: EmailFixtures.scheduled)
        #expect(headers(message).contains("Subject: [gentle] Breathe"))
    }

    @Test func sameInputsGiveSameBytes() throws {
        let a = try builder.build(EmailFixtures.delivery(), token: "x1", date: EmailFixtures.scheduled)
        let b = try builder.build(EmailFixtures.delivery(), token: "x1", date: EmailFixtures.scheduled)
        #expect(a == b)
    }
}

@Suite struct MessageIDTests {
    @Test(arguments: [
        ("breathe@2026-11-27T14:30:00+01:00", "abc", "host", "<breathe.2026-11-27T143000+0100.abc@host>"),
        ("kid-date@2026-01-01T00:00:00Z", "0f", "Mail.Example.ORG.", "<kid-date.2026-01-01T000000Z.0f@mail.example.org>"),
        ("x..y@@z", "t", "", "<x.y.z.t@localhost>"),
        ("a b\"c", "t", "h_ost", "<a-b-c.t@host>"),
    ])
    func isADotAtomOnBothSides(_ input: (String, String, String, String)) {
        #expect(MessageID.make(occurrence: input.0, token: input.1, host: input.2) == input.3)
    }
}

@Suite struct TransferEncodingTests {
    @Test func quotedPrintableEscapesWhatItMust() {
        #expect(TransferEncoding.quotedPrintable("café = 1") == "caf=C3=A9 =3D 1")
        #expect(TransferEncoding.quotedPrintable("trailing space \nnext") == "trailing space=20\r\nnext")
        #expect(TransferEncoding.quotedPrintable(".\n..x") == "=2E\r\n=2E.x")
    }

    @Test func quotedPrintableSoftBreaksLongLinesWithoutSplittingEscapes() {
        let line = String(repeating: "é", count: 100)
        let encoded = TransferEncoding.quotedPrintable(line)
        let lines = encoded.components(separatedBy: "\r\n")
        #expect(lines.count > 1)
        for l in lines { #expect(l.utf8.count <= 76) }
        for l in lines.dropLast() { #expect(l.hasSuffix("=")) }
        // Rejoined, it is the escapes of the original bytes in order.
        let joined = lines.map { $0.hasSuffix("=") ? String($0.dropLast()) : $0 }.joined()
        #expect(joined == String(repeating: "=C3=A9", count: 100))
    }

    @Test func choosesBase64WhenMostBytesNeedEscaping() {
        #expect(TransferEncoding.choose(for: Array("Mostly plain text with one é.".utf8)) == .quotedPrintable)
        #expect(TransferEncoding.choose(for: Array("🌿✨💛 日本語".utf8)) == .base64)
    }

    @Test func base64LinesAreAtMost76() {
        let text = String(repeating: "🌿", count: 200)
        let encoded = TransferEncoding.base64(text)
        for line in encoded.components(separatedBy: "\r\n") { #expect(line.utf8.count <= 76) }
        let decoded = Data(base64Encoded: encoded.replacingOccurrences(of: "\r\n", with: ""))
        #expect(decoded.map { String(decoding: $0, as: UTF8.self) } == text)
    }
}

@Suite struct RFC5322DateTests {
    @Test func formatsWithNumericOffset() {
        #expect(RFC5322Date.format(EmailFixtures.scheduled, in: EmailFixtures.zone) == "Fri, 27 Nov 2026 14:30:00 +0100")
        let utc = TimeZone(secondsFromGMT: 0) ?? .current
        #expect(RFC5322Date.format(Date(timeIntervalSince1970: 0), in: utc) == "Thu, 1 Jan 1970 00:00:00 +0000")
        let newfoundland = TimeZone(identifier: "America/St_Johns") ?? .current
        #expect(RFC5322Date.format(Date(timeIntervalSince1970: 1_784_000_000), in: newfoundland).hasSuffix("-0230"))
    }
}

@Suite struct RetryScheduleTests {
    @Test func doublesFromOneMinuteToHalfAnHour() {
        let delays = (1...8).map { RetrySchedule.standard.delay(afterAttempts: $0) }
        #expect(delays == [60, 120, 240, 480, 960, 1800, 1800, 1800])
    }

    @Test func stopsBeforeTheOccurrenceGoesStale() {
        let start = Date(timeIntervalSince1970: 1_000_000)
        let stale = start.addingTimeInterval(7200)
        var now = start
        var attempts = 0
        var tries: [TimeInterval] = []
        while true {
            attempts += 1
            guard let next = RetrySchedule.standard.nextAttempt(afterAttempts: attempts, failedAt: now, staleAt: stale) else { break }
            #expect(next < stale)
            tries.append(next.timeIntervalSince(start))
            now = next
        }
        // 1, 3, 7, 15, 31, 61, 91 minutes; the next (121) would be past two hours.
        #expect(tries == [60, 180, 420, 900, 1860, 3660, 5460])
    }
}
