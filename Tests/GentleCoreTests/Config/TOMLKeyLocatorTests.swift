import Testing
@testable import GentleCore

@Suite struct TOMLKeyLocatorTests {
    func path(_ parts: Any...) -> ConfigKeyPath {
        ConfigKeyPath(parts.map { part in
            if let i = part as? Int { return .index(i) }
            return .key("\(part)")
        })
    }

    func at(_ line: Int, _ column: Int) -> SourcePosition { SourcePosition(line: line, column: column) }

    @Test func findsKeysAndValuesInEveryKindOfTable() {
        let text = """
            # a comment with = and [brackets]
            quiet_hours = "21:30..07:00"   # trailing
            [desktop]
              urgency="low"
            [[checkin]]
            id = "a"
            [[checkin]]
            id = 'b'
            channels = [
              "desktop",  # first
              # a comment line
              "console",
            ]
            days.x = 1
            "quoted key" = { inner = [1, { deep = true }] }
            [checkin.extra]
            k = 2
            [[ checkin ]]
            messages = [\"\"\"
            multi
            line\"\"\", 'lit']
            when = 1979-05-27 07:32:00Z
            """
        #expect(throws: Never.self) { _ = try TOMLNode.parse(text) }  // the locator only sees valid TOML
        let map = TOMLKeyLocator.locate(in: text)
        #expect(map.keyPosition(path("quiet_hours")) == at(2, 1))
        #expect(map.valuePosition(path("quiet_hours")) == at(2, 15))
        #expect(map.valuePosition(path("desktop")) == at(3, 1))
        #expect(map.keyPosition(path("desktop", "urgency")) == at(4, 3))
        #expect(map.valuePosition(path("desktop", "urgency")) == at(4, 11))
        #expect(map.valuePosition(path("checkin", 0)) == at(5, 1))
        #expect(map.valuePosition(path("checkin", 0, "id")) == at(6, 6))
        #expect(map.valuePosition(path("checkin", 1)) == at(7, 1))
        #expect(map.valuePosition(path("checkin", 1, "id")) == at(8, 6))
        #expect(map.valuePosition(path("checkin", 1, "channels")) == at(9, 12))
        #expect(map.valuePosition(path("checkin", 1, "channels", 0)) == at(10, 3))
        #expect(map.valuePosition(path("checkin", 1, "channels", 1)) == at(12, 3))
        #expect(map.keyPosition(path("checkin", 1, "days")) == at(14, 1))
        #expect(map.keyPosition(path("checkin", 1, "days", "x")) == at(14, 6))
        #expect(map.keyPosition(path("checkin", 1, "quoted key")) == at(15, 1))
        #expect(map.keyPosition(path("checkin", 1, "quoted key", "inner")) == at(15, 18))
        #expect(map.valuePosition(path("checkin", 1, "quoted key", "inner", 1, "deep")) == at(15, 39))
        #expect(map.valuePosition(path("checkin", 1, "extra")) == at(16, 1))
        #expect(map.keyPosition(path("checkin", 1, "extra", "k")) == at(17, 1))
        #expect(map.valuePosition(path("checkin", 2)) == at(18, 1))
        #expect(map.valuePosition(path("checkin", 2, "messages", 1)) == at(21, 10))
        #expect(map.valuePosition(path("checkin", 2, "when")) == at(22, 8))
    }

    @Test func countsColumnsInUnicodeScalars() {
        let map = TOMLKeyLocator.locate(in: "title = \"🌱 é\" ; x\nnext = \"ü\"\n\u{FEFF}")
        #expect(map.valuePosition(path("next")) == at(2, 8))
        let emoji = TOMLKeyLocator.locate(in: "a = [\"🌱\", \"b\"]")
        #expect(emoji.valuePosition(path("a", 1)) == at(1, 11))
    }

    @Test func decodesEscapesInQuotedKeys() {
        let map = TOMLKeyLocator.locate(in: "\"a\\u0062c\" = 1\n'lit\\n' = 2")
        #expect(map.keyPosition(path("abc")) == at(1, 1))
        #expect(map.keyPosition(path("lit\\n")) == at(2, 1))
    }
}

@Suite struct SuggestionTests {
    @Test(arguments: [
        ("betwen", "between"), ("times-per-day", "times_per_day"), ("Channels", "channels"),
        ("message", "messages"), ("in_quite_hours", "in_quiet_hours"), ("ask", "ask"),
    ])
    func suggestsTheClosestKey(typo: String, expected: String) {
        #expect(Suggestion.closest(to: typo, in: ConfigBuilder.checkinKeys) == expected)
    }

    @Test(arguments: ["colour", "x", "notification_sound"])
    func staysQuietWhenNothingIsClose(word: String) {
        #expect(Suggestion.closest(to: word, in: ConfigBuilder.checkinKeys) == nil)
    }
}

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
