import Foundation
import GentleCore

// libFuzzer target: the calendar-expression parser (systemd OnCalendar syntax) and, for what
// parses, the elapse search and `gentle calendar`'s output, in zones with and without DST.
// Besides "no crash, no hang", it checks what must hold for every expression:
// - the normalized form parses again, to itself;
// - each next elapse lies strictly after the moment it was asked from.

private let zones: [ZoneRules] = [
    ZoneRules.utc,
    ZoneDirectory.zone(named: "Europe/Berlin") ?? .utc,
    ZoneDirectory.zone(named: "Australia/Lord_Howe") ?? .utc,  // 30-minute DST shift
    ZoneDirectory.localZone(environment: ["TZ": "CET-1CEST,M3.5.0,M10.5.0/3", "TZDIR": "/nonexistent"]),
]

/// µs since 1970: the epoch, a DST change in Europe, 2026, near the end of systemd's range.
private let bases: [Int64] = [0, 1_743_294_600_000_000, 1_795_795_200_000_000, 7_258_118_400_000_000]

func fuzzCalendar(_ input: UnsafeBufferPointer<UInt8>) -> CInt {
    let text = String(decoding: input, as: UTF8.self)
    // What `gentle calendar --base-time` and time spans read, from the same text.
    _ = SystemdTimespan.parse(text)
    _ = SystemdTimestamp.parse(text, now: bases[2], localZone: zones[1])

    for (index, zone) in zones.enumerated() {
        guard let spec = try? CalendarSpec(parsing: text, localZone: zone) else { continue }
        guard let again = try? CalendarSpec(parsing: spec.normalized, localZone: zone) else {
            fatalError("normalized form does not parse: \(spec.normalized.debugDescription) from \(text.debugDescription)")
        }
        guard again.normalized == spec.normalized else {
            fatalError("normalized form is not stable: \(spec.normalized.debugDescription) -> \(again.normalized.debugDescription)")
        }
        for base in bases {
            var from = base
            for _ in 0..<3 {
                guard let next = spec.nextElapse(afterMicroseconds: from, zone: zone) else { break }
                guard next > from else { fatalError("elapse \(next) not after \(from) for \(text.debugDescription)") }
                from = next
            }
        }
        if index == 1 {
            _ = CalendarAnalysis(expressions: [text], baseTime: bases[2], iterations: 2, localZone: zone, now: bases[2])
        }
    }
    return 0
}
