import Foundation
import GentleCore

// libFuzzer target: the event-log reader (`EventLogContents(parsing:)`, the scanner, the line
// decoder). Checks: every record read can be written again, and what is written reads back as
// the same record (one write and read settles times to the millisecond and the zone to UTC).

private let utc = TimeZone(identifier: "UTC") ?? .current

func fuzzEventLog(_ input: UnsafeBufferPointer<UInt8>) -> CInt {
    let contents = EventLogContents(parsing: UnsafeRawBufferPointer(input))
    for record in contents.records {
        let first = EventLogCodec.encodeLine(record, timeZone: utc, lineBreak: false)
        let reread = first.withUnsafeBufferPointer { EventLogCodec.decode($0) }
        guard case .success(let settled) = reread else {
            fatalError("a record written by the codec does not read back: \(String(decoding: first, as: UTF8.self)) — \(reread)")
        }
        let second = EventLogCodec.encodeLine(settled, timeZone: utc, lineBreak: false)
        guard second == first else {
            fatalError("write/read/write differs:\n\(String(decoding: first, as: UTF8.self))\n\(String(decoding: second, as: UTF8.self))")
        }
    }
    return 0
}
