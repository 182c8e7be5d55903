import Foundation
@testable import GentleCore
import GentleTestSupport
import Testing

/// The zone rules against glibc itself: Python's `time.localtime` and `time.mktime` are thin
/// wrappers over glibc's, run here in a child process with `TZ` set.
@Suite struct ZoneRulesOracleTests {
    static let zones = ["Europe/Berlin", "America/New_York", "Australia/Sydney", "Australia/Lord_Howe",
                        "Pacific/Chatham", "America/Santiago", "Asia/Kolkata", "Europe/Dublin", "Africa/Casablanca",
                        "America/St_Johns", "Pacific/Apia", "UTC", "CET-1CEST,M3.5.0,M10.5.0/3", "EST5EDT", ""]

    static func python(_ script: String, input: String, zone: String) throws -> [Substring] {
        let result = try RunResult.run("/usr/bin/env", ["python3", "-c", script], environment: ["TZ": zone, "TZDIR": nil],
                                       input: input)
        guard result.status == 0 else { throw PythonFailed(stderr: result.stderr) }
        return result.stdout.split(separator: "\n")
    }

    struct PythonFailed: Error, CustomStringConvertible {
        var stderr: String
        var description: String { "python3 failed: \(stderr)" }
    }

    @Test(arguments: zones)
    func localTimeMatchesGlibc(zone: String) throws {
        let rules = ZoneDirectory.localZone(environment: ["TZ": zone])
        // Every change from 1970 to 2060, a second either side, and a spread of instants.
        var instants: [Int] = []
        for t in rules.changeTimes where t > 0 && t < 2_840_140_800 { instants += [t - 1, t, t + 1] }
        instants += stride(from: 0, to: 4_102_444_800, by: 7_777_777).map { $0 }
        let script = """
            import sys, time
            for line in sys.stdin:
                tm = time.localtime(int(line))
                print(tm.tm_gmtoff, tm.tm_isdst, tm.tm_zone)
            """
        let lines = try Self.python(script, input: instants.map(String.init).joined(separator: "\n") + "\n", zone: zone)
        try #require(lines.count == instants.count)
        var mismatches: [String] = []
        for (t, line) in zip(instants, lines) {
            let type = rules.localType(at: t)
            let ours = "\(type.offset) \(type.isDST ? 1 : 0) \(rules.abbreviation(type.abbreviation))"
            if ours != line { mismatches.append("\(t): glibc \(line), ours \(ours)") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }

    /// A sequence of mktime calls through gaps and repeated hours, with every DST flag, in one
    /// process: glibc carries its offset guess from call to call, and so must the emulation.
    @Test(arguments: zones.filter { !$0.isEmpty && $0 != "UTC" })
    func mktimeMatchesGlibc(zone: String) throws {
        let rules = ZoneDirectory.localZone(environment: ["TZ": zone])
        var requests: [(BrokenDownTime, Int)] = []
        // Ordinary times, including out-of-range fields, then the neighbourhood of each change.
        for (day, hour, minute) in [(1, 12, 0), (31, 25, 0), (15, -3, 70), (0, 0, 0), (45, 23, 59)] {
            for isDST in [-1, 0, 1] {
                requests.append((BrokenDownTime(year: 125, month: 6, day: day, hour: hour, minute: minute, second: 0), isDST))
            }
        }
        for change in rules.changeTimes where change > 1_577_836_800 && change < 1_798_761_600 {
            let wall = BrokenDownTime(epochSeconds: change, offset: rules.localType(at: change - 1).offset)
            for delta in [-5400, -3600, -1800, -1, 0, 1, 900, 1800, 3600, 5400] {
                for isDST in [-1, 0, 1] {
                    var tm = wall
                    tm.second += delta
                    requests.append((tm, isDST))
                }
            }
        }
        let script = """
            import sys, time
            for line in sys.stdin:
                y, mo, d, h, mi, s, dst = map(int, line.split())
                t = time.mktime((y, mo, d, h, mi, s, 0, 0, dst))
                tm = time.localtime(t)
                print(int(t), tm.tm_hour, tm.tm_min, tm.tm_isdst)
            """
        let input = requests.map { tm, dst in
            "\(tm.year + 1900) \(tm.month + 1) \(tm.day) \(tm.hour) \(tm.minute) \(tm.second) \(dst)"
        }.joined(separator: "\n") + "\n"
        let lines = try Self.python(script, input: input, zone: zone)
        try #require(lines.count == requests.count)
        var clock = GlibcMktimeClock(zone: rules, offsetGuess: 0)
        var mismatches: [String] = []
        for ((request, isDST), line) in zip(requests, lines) {
            var tm = request
            tm.isDST = isDST
            let t = clock.makeTime(&tm)
            let ours = "\(t ?? -1) \(tm.hour) \(tm.minute) \(tm.isDST)"
            if ours != line { mismatches.append("\(request) dst \(isDST): glibc \(line), ours \(ours)") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }
}
