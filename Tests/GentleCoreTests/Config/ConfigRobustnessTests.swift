import Foundation
import GentleTestSupport
import Testing
@testable import GentleCore

/// Damaged versions of the example config: the loader must never crash or hang, and every
/// error it reports must point inside the file.
@Suite struct ConfigRobustnessTests {
    struct SplitMix {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(max(bound, 1)))
        }
    }

    static let pieces = ["[", "]", "[[", "{", "}", "=", ",", ".", "\n", "#", "'", "\"", "\"\"\"", "..", "x", "é",
                         "🌱", "0", "-", ":", " ", "\t", "\\", "true", "[[checkin]]\n", "when = ", "\r\n"]

    @Test func damagedConfigsNeverCrashAndErrorsPointIntoTheFile() throws {
        let original = Array(try String(contentsOfFile: PackagePaths.root + "/config.example.toml", encoding: .utf8))
        var rng = SplitMix(state: 20_261_127)
        var rejected = 0
        for _ in 0..<400 {
            var chars = original
            for _ in 0...rng.next(4) {
                let at = rng.next(chars.count)
                switch rng.next(3) {
                case 0: chars.removeSubrange(at..<min(chars.count, at + 1 + rng.next(40)))
                case 1: chars.insert(contentsOf: Self.pieces[rng.next(Self.pieces.count)], at: at)
                default:
                    let from = rng.next(chars.count)
                    chars.insert(contentsOf: chars[from..<min(chars.count, from + rng.next(80))], at: at)
                }
            }
            let text = String(chars)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).count
            if let errors = loadErrors(text, path: "fuzz.toml") {
                rejected += 1
                #expect(!errors.isEmpty)
                for e in errors {
                    let line = try #require(e.line)
                    #expect((1...lines + 1).contains(line), "\(e)")
                    #expect((e.column ?? 0) >= 1)
                    #expect(!e.message.contains("\n"))
                }
            }
        }
        #expect(rejected > 100)
    }
}
