import Foundation
import Testing
@testable import GentleCore
import GentleTestSupport

/// Decodes what `HeaderEncoder` writes, independently of it: unfold, then RFC 2047 B and Q words.
private func decodeHeaderValue(_ field: String) throws -> String {
    let unfolded = field.replacingOccurrences(of: "\r\n ", with: " ")
    guard let colon = unfolded.firstIndex(of: ":") else { throw DecodeFailure() }
    var rest = unfolded[unfolded.index(after: colon)...].drop(while: { $0 == " " })
    guard rest.hasPrefix("=?") else { return String(rest) }
    var bytes: [UInt8] = []
    for word in rest.split(separator: " ") {
        let parts = word.split(separator: "?", omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0] == "=", parts[1] == "UTF-8", parts[4] == "=" else { throw DecodeFailure() }
        if parts[2] == "B" {
            guard let data = Data(base64Encoded: String(parts[3])) else { throw DecodeFailure() }
            // Each word must hold whole characters on its own.
            guard String(validating: data, as: UTF8.self) != nil else { throw DecodeFailure() }
            bytes += data
        } else {
            var wordBytes: [UInt8] = []
            var u = Array(parts[3].utf8)[...]
            while let c = u.first {
                u = u.dropFirst()
                if c == UInt8(ascii: "_") { wordBytes.append(0x20) }
                else if c == UInt8(ascii: "=") {
                    guard u.count >= 2, let v = UInt8(String(decoding: u.prefix(2), as: UTF8.self), radix: 16) else { throw DecodeFailure() }
                    wordBytes.append(v)
                    u = u.dropFirst(2)
                } else { wordBytes.append(c) }
            }
            guard String(validating: wordBytes, as: UTF8.self) != nil else { throw DecodeFailure() }
            bytes += wordBytes
        }
    }
    rest = ""
    return String(decoding: bytes, as: UTF8.self)
}

private struct DecodeFailure: Error {}

@Suite struct HeaderEncoderTests {
    @Test func plainASCIISubjectStaysReadableAndFoldsAtSpaces() throws {
        let title = Array(repeating: "gentle", count: 30).joined(separator: " ")
        let field = try HeaderEncoder.unstructured(name: "Subject", value: title, field: "subject")
        #expect(!field.contains("=?"))
        for line in field.components(separatedBy: "\r\n") { #expect(line.utf8.count <= 76) }
        #expect(try decodeHeaderValue(field) == title)
    }

    @Test(arguments: [
        SubjectSamples.accentsAndEmoji,
        "Café",
        "👩‍👧‍👦👩‍👧‍👦👩‍👧‍👦👩‍👧‍👦👩‍👧‍👦👩‍👧‍👦👩‍👧‍👦👩‍👧‍👦👩‍👧‍👦👩‍👧‍👦👩‍👧‍👦",
        "Élan — " + String(repeating: "é", count: 120),
        "日本語のテキストがとても長い件名になるとどうなるでしょうか、きちんと折り返されるはずです",
        "looks like =?UTF-8?B?x?= but is plain",
        "e" + String(repeating: "\u{301}", count: 40),
    ])
    func nonASCIISubjectsBecomeEncodedWordsThatRoundTrip(_ title: String) throws {
        let field = try HeaderEncoder.unstructured(name: "Subject", value: title, field: "subject")
        #expect(field.unicodeScalars.allSatisfy { $0.isASCII })
        for line in field.components(separatedBy: "\r\n") {
            #expect(line.utf8.count <= 76, "line too long: \(line)")
            for word in line.split(separator: " ") where word.hasPrefix("=?") {
                #expect(word.utf8.count <= 75)
            }
        }
        #expect(try decodeHeaderValue(field) == title)
    }

    /// Whichever of Q and B is shorter, as Python's email package does.
    @Test func mostlyLatinTextUsesQAndEmojiTextUsesB() throws {
        let latin = try HeaderEncoder.unstructured(name: "Subject", value: "Un petit café", field: "s")
        #expect(latin.contains("=?UTF-8?Q?"))
        let emoji = try HeaderEncoder.unstructured(name: "Subject", value: "🌿✨💛🌿✨💛", field: "s")
        #expect(emoji.contains("=?UTF-8?B?"))
    }

    @Test(arguments: ["Hello\r\nBcc: victim@example.org", "Hi\nthere", "tab\there", "nul\u{0}"])
    func lineBreaksAndControlsAreRejected(_ value: String) {
        #expect(throws: EmailError.headerHasControlCharacter(field: "subject")) {
            try HeaderEncoder.unstructured(name: "Subject", value: value, field: "subject")
        }
    }

    @Test func displayNamesAreQuotedOrEncoded() throws {
        let plain = try HeaderEncoder.mailbox(name: "From", EmailAddress(parsing: "gentle <g@example.org>", field: "from"), field: "from")
        #expect(plain == "From: gentle <g@example.org>")
        let dotted = try HeaderEncoder.mailbox(name: "From", EmailAddress(parsing: "Dr. Ada <a@example.org>", field: "from"), field: "from")
        #expect(dotted == "From: \"Dr. Ada\" <a@example.org>")
        let accented = try HeaderEncoder.mailbox(name: "To", EmailAddress(parsing: "Léonard Dubois <z@example.org>", field: "to"), field: "to")
        #expect(accented.hasPrefix("To: =?UTF-8?Q?L=C3=A9onard_Dubois?="))
        #expect(accented.hasSuffix(" <z@example.org>"))
    }
}

enum SubjectSamples {
    static let accentsAndEmoji = "Ein Atemzug 🌿 — respire, café au lait ✨ and a much longer tail so that it must fold"
}

@Suite struct EmailAddressTests {
    @Test func parsesBareAndNamedAddresses() throws {
        let bare = try EmailAddress(parsing: " parent@example.org ", field: "to")
        #expect(bare.address == "parent@example.org" && bare.displayName == nil)
        let named = try EmailAddress(parsing: "\"Ada \\\"A\\\" L\" <ada@mail.example.org>", field: "to")
        #expect(named.address == "ada@mail.example.org" && named.displayName == "Ada \"A\" L")
    }

    @Test(arguments: ["", "parent", "parent@", "@example.org", "a..b@example.org", "pärent@example.org",
                      "a@exa_mple.org", "a@-example.org", "Name <a@b", "a b@example.org"])
    func rejectsWhatIsNotOneAddress(_ text: String) {
        #expect(throws: EmailError.self) { try EmailAddress(parsing: text, field: "to") }
    }

    @Test func rejectsHeaderInjection() {
        #expect(throws: EmailError.headerHasControlCharacter(field: "to")) {
            try EmailAddress(parsing: "a@example.org\r\nBcc: b@example.org", field: "to")
        }
    }

    @Test func errorSaysWhatToWrite() {
        let error = EmailError.invalidAddress(field: "to", value: "parent", reason: "there is no @")
        #expect(error.description.contains("email.to = \"parent\""))
        #expect(error.description.contains("parent@example.org"))
    }
}
