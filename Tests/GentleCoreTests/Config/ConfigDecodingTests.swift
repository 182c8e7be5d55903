import Testing
@testable import GentleCore

@Suite struct ConfigDecodingTests {
    @Test func pinpointsTheFirstByteThatIsNotUTF8() {
        let bytes = Array("a = 1\nb = \"".utf8) + [0xC3, 0x28] + Array("\"\n".utf8)
        #expect(throws: ConfigErrors(ConfigError(file: "u.toml", line: 2, column: 6,
                                                 message: "the file is not valid UTF-8 (byte 0xC3); save it as UTF-8 text"))) {
            try ConfigLoader.decode(bytes: bytes, path: "u.toml")
        }
    }

    @Test(arguments: [[0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82]] as [[UInt8]])
    func rejectsSurrogatesOverlongAndTruncatedSequences(bad: [UInt8]) {
        #expect(throws: ConfigErrors.self) { try ConfigLoader.decode(bytes: Array("x".utf8) + bad, path: "u.toml") }
    }

    @Test func acceptsMultibyteText() throws {
        let text = "title = \"Atme 🌱 ruhig, Schätzchen\"\n"
        #expect(try ConfigLoader.decode(bytes: Array(text.utf8), path: "u.toml") == text)
    }

    @Test func refusesFilesOverOneMebibyte() {
        let bytes = [UInt8](repeating: 0x23, count: ConfigLoader.maxFileSize + 1)
        #expect(throws: ConfigErrors.self) { try ConfigLoader.decode(bytes: bytes, path: "big.toml") }
        #expect((try? ConfigLoader.decode(bytes: Array(bytes.dropLast()), path: "ok.toml")) != nil)
    }

    @Test func refusesNULBytesWithTheirPosition() throws {
        let errors = try #require(loadErrors("a = 1\nb = \"x\u{0}\"", path: "n.toml"))
        #expect(errors.map(\.position) == [SourcePosition(line: 2, column: 7)])
    }

    @Test func syntaxErrorsKeepTheParsersPosition() throws {
        let errors = try #require(loadErrors("a = 1\nwhen = 08:30\n", path: "s.toml"))
        #expect(errors.count == 1)
        #expect(errors[0].line == 2)
        #expect(errors[0].message.hasPrefix("this is not valid TOML ("))
        #expect(errors[0].message.hasSuffix("write times and dates in quotes, like when = \"08:30\" or date = \"2026-09-01\""))
    }
}

@Suite struct CRLFConfigTests {
    @Test func positionsHoldWithWindowsLineEnds() throws {
        let text = "max_per_day = 3\r\n[[checkin]]\r\nid = \"a\"\r\ntitle = \"A\"\r\nmessages = [\"m\"]\r\nwhen = \"daily\"\r\nurgency = \"loud\"\r\n"
        let errors = try #require(loadErrors(text, path: "crlf.toml"))
        #expect(errors.map(\.position) == [SourcePosition(line: 7, column: 11)])
    }
}
