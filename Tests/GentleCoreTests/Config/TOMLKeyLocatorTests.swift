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
