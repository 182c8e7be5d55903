import Foundation
import Testing
@testable import GentleCore

private func zone(_ id: String) throws -> TimeZone {
    try #require(TimeZone(identifier: id))
}

/// 2026-11-27T14:30:00Z plus `ms` milliseconds.
private func instant(_ ms: Int64 = 0) -> Date {
    Date(timeIntervalSince1970: Double(1_795_789_800_000 + ms) / 1000)
}

@Suite struct EventLogCodecTests {
    @Test func writesOneLineWithKeysInOrderAndNilFieldsLeftOut() throws {
        let berlin = try zone("Europe/Berlin")
        let occurrence = OccurrenceID(checkin: "breathe", scheduled: instant(), timeZone: berlin)
        let record = EventRecord(kind: .reply, at: instant(65_120), occurrence: occurrence, channel: "desktop",
                                 action: "done", note: "that \"helped\"\n")
        let line = EventLogCodec.encode(record, timeZone: berlin)
        #expect(line == #"{"v":1,"kind":"reply","at":"2026-11-27T15:31:05.120+01:00","occurrence":"breathe@2026-11-27T15:30:00+01:00","checkin":"breathe","scheduled":"2026-11-27T15:30:00+01:00","channel":"desktop","action":"done","note":"that \"helped\"\n"}"#)
        let bytes = EventLogCodec.encodeLine(record, timeZone: berlin)
        #expect(bytes.last == 0x0A)
        #expect(bytes.filter { $0 == 0x0A }.count == 1)
    }

    @Test func writesEveryFieldAndMillisecondsOnlyWhereTheyExist() throws {
        let utc = try zone("UTC")
        let record = EventRecord(kind: .snoozed, at: instant(), checkin: "kid-date", scheduled: instant(),
                                 due: instant(1), channel: "email", action: "snooze:30m", note: "n", error: "e",
                                 reason: "r", until: instant(1_800_000), message: 3, child: "Mia", occasion: "school",
                                 origin: "occasion")
        #expect(EventLogCodec.encode(record, timeZone: utc) ==
            #"{"v":1,"kind":"snoozed","at":"2026-11-27T14:30:00.000Z","checkin":"kid-date","scheduled":"2026-11-27T14:30:00Z","due":"2026-11-27T14:30:00.001Z","channel":"email","action":"snooze:30m","note":"n","error":"e","reason":"r","until":"2026-11-27T15:00:00Z","message":3,"child":"Mia","occasion":"school","origin":"occasion"}"#)
    }

    @Test(arguments: ["UTC", "Europe/Berlin", "America/St_Johns", "Asia/Kathmandu", "Pacific/Chatham", "America/Los_Angeles"])
    func everyKindAndFieldRoundTrips(zoneID: String) throws {
        let tz = try zone(zoneID)
        let kinds: [EventKind] = [.fired, .delivered, .failed, .droppedStale, .skipped, .reply, .snoozed, .expired,
                                  .dismissed, .held, .paused, .resumed, .other("future-thing")]
        var rng = SplitMix64(seed: 42)
        for (i, kind) in kinds.enumerated() {
            // Spread over years, including both sides of DST changes, at millisecond precision.
            let at = Date(timeIntervalSince1970: Double(Int64(rng.next() % 4_000_000_000_000)) / 1000)
            let scheduled = Date(timeIntervalSince1970: at.timeIntervalSince1970.rounded(.down) - 3600)
            let occurrence = OccurrenceID(checkin: "check-\(i)", scheduled: scheduled, timeZone: tz)
            let record = EventRecord(kind: kind, at: at, occurrence: occurrence, due: at.addingTimeInterval(0.25),
                                     channel: "desktop", action: "snooze:30m",
                                     note: "ünïcödé 😀 \u{1} tab\t \\ / \"q\" \u{2028}", error: "550 no",
                                     reason: "quiet hours", until: at.addingTimeInterval(1800), message: i - 3,
                                     child: "Mia", occasion: "first day of school", origin: i % 2 == 0 ? "snooze" : nil,
                                     version: 1 + i % 3)
            let line = EventLogCodec.encode(record, timeZone: tz)
            let decoded = try EventLogCodec.decode(line)
            #expect(decoded == record, "\(line)")
            #expect(decoded.occurrence?.text == occurrence.text)
        }
    }

    @Test func randomMillisecondTimesRoundTripExactly() throws {
        let tz = try zone("Australia/Lord_Howe")  // a 30-minute DST shift
        var rng = SplitMix64(seed: 7)
        for _ in 0..<20_000 {
            let ms = Int64(rng.next() % 8_000_000_000_000) - 1_000_000_000_000
            let date = Date(timeIntervalSince1970: Double(ms) / 1000)
            let record = EventRecord(kind: .fired, at: date, due: date)
            let decoded = try EventLogCodec.decode(EventLogCodec.encode(record, timeZone: tz))
            #expect(decoded.at == date)
            #expect(decoded.due == date)
        }
    }

    @Test func readsAnyTimeForm() throws {
        let base = instant()
        let forms: [(String, Date)] = [
            ("2026-11-27T14:30:00Z", base), ("2026-11-27t14:30:00z", base), ("2026-11-27 14:30:00Z", base),
            ("2026-11-27T15:30:00+01:00", base), ("2026-11-27T09:00:00-05:30", base),
            ("2026-11-27T14:30:00.5Z", instant(500)), ("2026-11-27T14:30:00.123456789Z", base.addingTimeInterval(0.123456789)),
        ]
        for (text, expected) in forms {
            let record = try EventLogCodec.decode(#"{"v":1,"kind":"fired","at":"\#(text)"}"#)
            #expect(abs(record.at.timeIntervalSince(expected)) < 1e-6, "\(text)")
        }
    }

    @Test func toleratesWhatANewerGentleMightWrite() throws {
        let line = #"  { "v" : 7 , "kind":"hug-given","extra":{"deep":[1,2.5e-3,{"x":null}],"s":"}\"]"},"at":"2026-11-27T14:30:00Z","list":[],"obj":{},"t":true,"f":false,"n":null,"note":null,"\u006eote":"escaped key","message":-4}  "#
        let record = try EventLogCodec.decode(line)
        #expect(record.kind == .other("hug-given"))
        #expect(record.kind.rawValue == "hug-given")
        #expect(record.version == 7)
        #expect(record.note == "escaped key")
        #expect(record.message == -4)
        #expect(record.at == instant())
    }

    @Test func aMissingVersionReadsAsTheFirstSchema() throws {
        #expect(try EventLogCodec.decode(#"{"kind":"fired","at":"2026-11-27T14:30:00Z"}"#).version == 1)
    }

    @Test func occurrenceFillsCheckinAndScheduled() throws {
        let record = try EventLogCodec.decode(#"{"v":1,"kind":"fired","at":"2026-11-27T14:30:00Z","occurrence":"breathe@2026-11-27T15:30:00+01:00"}"#)
        #expect(record.checkin == "breathe")
        #expect(record.scheduled == instant())
        #expect(record.occurrence?.text == "breathe@2026-11-27T15:30:00+01:00")
    }

    @Test func decodesEveryStringEscape() throws {
        let line = #"{"kind":"reply","at":"2026-11-27T14:30:00Z","note":"\"\\\/\b\f\n\r\t\u00e9\u20AC\ud83d\ude00|\ud800x|\udc00|\ud83d\u0041"}"#
        let record = try EventLogCodec.decode(line)
        #expect(record.note == "\"\\/\u{8}\u{c}\n\r\té€😀|\u{FFFD}x|\u{FFFD}|\u{FFFD}A")
    }

    @Test(arguments: [
        (#"{"v":1,"kind":"fired","at":"2026-11-27T14:30:00Z""#, EventDecodingError.Category.syntax),
        (#"{"v":1,"kind":"fir"#, .syntax),
        (#"["v",1]"#, .syntax),
        (#"{"v":1,"kind":"fired","at":"2026-11-27T14:30:00Z"} x"#, .syntax),
        (#"{"v":1,"kind":"fired","at":"2026-11-27T14:30:00Z",}"#, .syntax),
        (#"{"v":01,"kind":"fired","at":"2026-11-27T14:30:00Z"}"#, .syntax),
        (#"{"v":1,"kind":"fired","at":"2026-11-27T14:30:00Z","x":tru}"#, .syntax),
        (#"{"v":1,"kind":"fired","at":"2026-11-27T14:30:00Z","x":"\q"}"#, .syntax),
        (#"{"v":1,"kind":"fired","at":"2026-11-27T14:30:00Z","x":"\u12G4"}"#, .syntax),
        ("{\"v\":1,\"kind\":\"fired\",\"at\":\"2026-11-27T14:30:00Z\",\"note\":\"a\u{1}b\"}", .syntax),
        (#"{"v":1,"kind":"fired","at":"2026-11-27T14:30:00Z","x":[1,2}"#, .syntax),
        ("", .syntax),
        (#"{"v":"1","kind":"fired","at":"2026-11-27T14:30:00Z"}"#, .invalidField),
        (#"{"v":1.5,"kind":"fired","at":"2026-11-27T14:30:00Z"}"#, .invalidField),
        (#"{"v":99999999999999999999,"kind":"fired","at":"2026-11-27T14:30:00Z"}"#, .invalidField),
        (#"{"v":1,"kind":7,"at":"2026-11-27T14:30:00Z"}"#, .invalidField),
        (#"{"v":1,"kind":"","at":"2026-11-27T14:30:00Z"}"#, .invalidField),
        (#"{"v":1,"at":"2026-11-27T14:30:00Z"}"#, .invalidField),
        (#"{"v":1,"kind":"fired"}"#, .invalidField),
        (#"{"v":1,"kind":"fired","at":"2026-02-30T14:30:00Z"}"#, .invalidField),
        (#"{"v":1,"kind":"fired","at":"2026-11-27T24:00:00Z"}"#, .invalidField),
        (#"{"v":1,"kind":"fired","at":"2026-11-27T14:30:00"}"#, .invalidField),
        (#"{"v":1,"kind":"fired","at":"2026-11-27T14:30:00+1:00"}"#, .invalidField),
        (#"{"v":1,"kind":"fired","at":"2026-11-27T14:30:00Z","occurrence":"Breathe@2026-11-27T14:30:00Z"}"#, .invalidField),
        (#"{"v":1,"kind":"fired","at":"2026-11-27T14:30:00Z","occurrence":"breathe"}"#, .invalidField),
        (#"{"v":1,"kind":"fired","at":"2026-11-27T14:30:00Z","message":[1]}"#, .invalidField),
        // A bad field and a cut-off end: the cut-off end decides (it is what a torn write looks like).
        (#"{"v":"x","kind":"fired","at":"2026-11-27T14:30:00Z","note":"cut"#, .syntax),
    ])
    func reportsWhatIsWrongWithALine(line: String, category: EventDecodingError.Category) {
        do {
            let record = try EventLogCodec.decode(line)
            Issue.record("decoded \(record) from \(line)")
        } catch {
            #expect(error.category == category, "\(line): \(error)")
            #expect(error.column >= 1 && error.column <= line.utf8.count + 1)
            #expect(!error.message.isEmpty)
        }
    }

    @Test func rejectsBytesThatAreNotUTF8() {
        let prefix = Array(#"{"kind":"fired","at":"2026-11-27T14:30:00Z","note":""#.utf8)
        let suffix = Array(#""}"#.utf8)
        let bad: [[UInt8]] = [[0xFF], [0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80],
                              [0xE2, 0x82], [0x80]]
        for sequence in bad {
            let line = prefix + sequence + suffix
            let result = line.withUnsafeBufferPointer { EventLogCodec.decode($0) }
            guard case .failure(let error) = result else {
                Issue.record("accepted \(sequence)")
                continue
            }
            #expect(error.category == .encoding)
        }
        let good = prefix + Array("é€😀".utf8) + suffix
        let result = good.withUnsafeBufferPointer { EventLogCodec.decode($0) }
        #expect((try? result.get())?.note == "é€😀")
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let deep = #"{"kind":"fired","at":"2026-11-27T14:30:00Z","x":"# + String(repeating: "[", count: 100_000)
        #expect(throws: EventDecodingError.self) { try EventLogCodec.decode(deep) }
        let nested = #"{"kind":"fired","at":"2026-11-27T14:30:00Z","x":"# + String(repeating: "[", count: 200)
            + String(repeating: "]", count: 200) + "}"
        #expect((try? EventLogCodec.decode(nested))?.kind == .fired)
    }

    @Test func mutatedLinesNeverCrashAndWhatDecodesReencodesStably() throws {
        let tz = try zone("Europe/Berlin")
        let seed = EventLogCodec.encodeLine(
            EventRecord(kind: .reply, at: instant(123), occurrence: OccurrenceID(checkin: "breathe", scheduled: instant(), timeZone: tz),
                        channel: "desktop", action: "done", note: "a \"b\" \\ é 😀", message: 2),
            timeZone: tz, lineBreak: false)
        let alphabet = Array(#"{}[]":,\u0123456789abcdefnulltrue-+.eE "#.utf8) + [0x00, 0x80, 0xC3, 0xFF, 0xED, 0xF0]
        var rng = SplitMix64(seed: 2026)
        var decodedCount = 0
        for _ in 0..<30_000 {
            var line = seed
            for _ in 0..<(1 + Int(rng.next() % 4)) {
                let position = line.isEmpty ? 0 : Int(rng.next() % UInt64(line.count))
                switch rng.next() % 4 {
                case 0 where !line.isEmpty: line[position] = alphabet[Int(rng.next() % UInt64(alphabet.count))]
                case 1: line.insert(alphabet[Int(rng.next() % UInt64(alphabet.count))], at: position)
                case 2 where !line.isEmpty: line.remove(at: position)
                default: line.removeLast(min(line.count, Int(rng.next() % 8)))
                }
            }
            let result = line.withUnsafeBufferPointer { EventLogCodec.decode($0) }
            if case .success(let record) = result {
                decodedCount += 1
                let again = try EventLogCodec.decode(EventLogCodec.encode(record, timeZone: tz))
                #expect(again.kind == record.kind && again.note == record.note && again.occurrence == record.occurrence)
            }
        }
        #expect(decodedCount > 0)
    }
}

/// A small deterministic generator, so failures reproduce.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
