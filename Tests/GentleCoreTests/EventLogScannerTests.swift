import Foundation
import Testing
@testable import GentleCore

@Suite struct EventLogScannerTests {
    private let utc = TimeZone(identifier: "UTC") ?? .current

    private func line(_ n: Int, kind: EventKind = .fired) -> String {
        EventLogCodec.encode(EventRecord(kind: kind, at: Date(timeIntervalSince1970: 1_795_789_800 + Double(n)), message: n),
                             timeZone: utc) + "\n"
    }

    @Test func keepsEveryGoodLineAndReportsTheOthersByLineNumber() {
        let text = line(1) + "\n" + "  \r\n" + line(2) + #"{"v":1,"kind":"fired","at":"nope"}"# + "\n" + "garbage\r\n"
            + line(3, kind: .other("from-the-future")) + #"{"v":1,"kind":"fi"#
        let contents = EventLogContents(parsing: Array(text.utf8))
        #expect(contents.records.map(\.message) == [1, 2, 3])
        #expect(contents.records.last?.kind == .other("from-the-future"))
        #expect(contents.problems.map(\.line) == [5, 6, 8])
        #expect(contents.problems.map(\.isIncompleteLastLine) == [false, false, true])
        #expect(contents.problems[0].error.category == .invalidField)
        #expect(contents.problems[1].error.category == .syntax)
        #expect(contents.problems[1].excerpt == "garbage?")
        let offset = (line(1) + "\n" + "  \r\n" + line(2)).utf8.count
        #expect(contents.problems[0].byteOffset == Int64(offset))
        #expect(contents.problems[0].description.hasPrefix("line 5: column"))
    }

    @Test func consumeLinesHandsOverEachLineExactlyAsStored() {
        let future = #"{"v":2,"kind":"hug","at":"2026-11-27T14:30:00.000Z","mood":{"deep":[1,2]}}"#
        let text = line(1) + "\n" + future + "\n" + "garbage\n" + line(2) + #"{"v":1,"kind":"fi"#
        let bytes = Array(text.utf8)
        for chunkSize in [1, 5, 64, bytes.count] {
            var scanner = EventLogScanner()
            var seen: [(String, String)] = []
            let collect = { (entry: EventLogEntry, raw: UnsafeBufferPointer<UInt8>) in
                let tag: String
                switch entry {
                case .record(let r, _): tag = r.kind.rawValue
                case .problem(let p): tag = p.isIncompleteLastLine ? "torn" : "problem"
                }
                seen.append((tag, String(decoding: raw, as: UTF8.self)))
            }
            bytes.withUnsafeBytes { all in
                var start = 0
                while start < all.count {
                    let end = min(all.count, start + chunkSize)
                    scanner.consumeLines(UnsafeRawBufferPointer(rebasing: all[start..<end]), collect)
                    start = end
                }
            }
            scanner.finishLines(collect)
            #expect(seen.map(\.0) == ["fired", "hug", "problem", "fired", "torn"], "chunk size \(chunkSize)")
            #expect(seen.map(\.1) == [String(line(1).dropLast()), future, "garbage", String(line(2).dropLast()),
                                      #"{"v":1,"kind":"fi"#], "chunk size \(chunkSize)")
        }
    }

    @Test func chunkBoundariesDoNotMatter() {
        let text = (1...20).map { line($0) }.joined() + "{\"kind\":broken}\n" + line(21) + "{\"torn"
        let bytes = Array(text.utf8)
        let whole = EventLogContents(parsing: bytes)
        #expect(whole.records.count == 21)
        #expect(whole.problems.count == 2)
        for chunkSize in [1, 2, 3, 7, 64, 100, 4096] {
            var scanner = EventLogScanner()
            var pieces = EventLogContents()
            let collect = { (entry: EventLogEntry) in
                switch entry {
                case .record(let r, _): pieces.records.append(r)
                case .problem(let p): pieces.problems.append(p)
                }
            }
            var start = 0
            while start < bytes.count {
                let end = min(bytes.count, start + chunkSize)
                bytes[start..<end].withUnsafeBytes { scanner.consume($0, collect) }
                start = end
            }
            scanner.finish(collect)
            #expect(pieces == whole, "chunk size \(chunkSize)")
        }
    }

    @Test func overlongLinesAreReportedWithoutBeingBuffered() {
        let long = "{\"kind\":\"fired\",\"note\":\"" + String(repeating: "x", count: 5000) + "\"}\n"
        let bytes = Array((line(1) + long + line(2) + String(repeating: "y", count: 3000)).utf8)
        for chunkSize in [10, 1000, 100_000] {
            var scanner = EventLogScanner(maximumLineLength: 1024)
            var records = 0
            var problems: [EventLogProblem] = []
            var start = 0
            while start < bytes.count {
                let end = min(bytes.count, start + chunkSize)
                bytes[start..<end].withUnsafeBytes {
                    scanner.consume($0) { entry in
                        if case .problem(let p) = entry { problems.append(p) } else { records += 1 }
                    }
                }
                start = end
            }
            scanner.finish { entry in if case .problem(let p) = entry { problems.append(p) } }
            #expect(records == 2)
            #expect(problems.map(\.line) == [2, 4])
            #expect(problems.first?.error.category == .tooLong)
            #expect(problems.first?.length == long.utf8.count - 1)
            #expect(problems.last?.isIncompleteLastLine == true)
            #expect(problems.last?.length == 3000)
        }
    }

    @Test func anEmptyLogHasNothingToSay() {
        #expect(EventLogContents(parsing: []) == EventLogContents())
        #expect(EventLogContents(parsing: Array("\n\n  \n".utf8)) == EventLogContents())
    }

    @Test func arbitraryBytesNeverCrashTheReader() {
        var rng = SplitMix64(seed: 99)
        let pieces = [Array(line(1).utf8), Array("{\"kind\":\"".utf8), Array("\\u".utf8), Array("\n".utf8),
                      Array("[{".utf8), Array("\"at\":\"2026-11-27T14:30:00Z\"".utf8), [0xFF, 0x00, 0xC3]]
        for _ in 0..<3000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int(rng.next() % 40) {
                if rng.next() % 3 == 0 {
                    bytes.append(UInt8(truncatingIfNeeded: rng.next()))
                } else {
                    bytes += pieces[Int(rng.next() % UInt64(pieces.count))]
                }
            }
            let contents = EventLogContents(parsing: bytes)
            let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).count
            #expect(contents.records.count + contents.problems.count <= lines)
        }
    }
}
