import Foundation
@testable import GentleCore
import GentleTestSupport
import Testing

/// `gentle calendar` as a command: its options and environment, beside systemd-analyze.
@Suite struct CalendarCommandTests {
    static func both(_ arguments: [String], zone: String?) throws -> (systemd: RunResult, gentle: RunResult) {
        let environment: [String: String?] = ["TZ": zone, "SYSTEMD_COLORS": "0", "TZDIR": nil]
        let systemd = try RunResult.run(try CalendarOracleTests.systemdAnalyze(), ["calendar"] + arguments,
                                        environment: environment)
        let gentle = try RunResult.run(PackagePaths.gentleBinary, ["calendar"] + arguments, environment: environment)
        return (systemd, gentle)
    }

    static func stable(_ output: String) -> [Substring] {
        output.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.contains("From now:") }
    }

    /// Every form of `--base-time` systemd 252 accepts, and some it refuses (among them
    /// timestamps that end in a zone name, which 252 cannot evaluate).
    @Test(arguments: [
        "@1743249600", "@1743249600.5", "@1h", "2025-03-29 12:00:00", "2025-03-29 12:00", "2025-03-29",
        "25-03-29 12:00:00", "2025-03-29 12:00:00.25", "Sat 2025-03-29 12:00:00", "Fri 2025-03-29 12:00:00",
        "2025-03-29 12:00:00 UTC", "2025-07-01 12:00:00 CEST", "2025-01-01 12:00:00 cest",
        "2025-03-29 12:00:00 CET", "2025-03-29 12:00:00 Europe/London", "2025-03-29T12:00:00", "today",
        "tomorrow", "yesterday", "foo",
    ])
    func acceptsTheBaseTimesSystemdAccepts(base: String) throws {
        let (systemd, gentle) = try Self.both(["yearly", "Mon *-*-01 02:30", "--base-time=\(base)", "--iterations=3"],
                                              zone: "Europe/Berlin")
        #expect(gentle.status == systemd.status)
        #expect(Self.stable(gentle.stdout) == Self.stable(systemd.stdout))
        #expect(gentle.stderr == systemd.stderr)
    }

    @Test func startsFromNowWithoutABaseTime() throws {
        let (systemd, gentle) = try Self.both(["yearly", "*-01-01 00:00:00 UTC"], zone: "Australia/Sydney")
        #expect(gentle.status == 0)
        #expect(Self.stable(gentle.stdout) == Self.stable(systemd.stdout))
    }

    @Test func readsEtcLocaltimeWhenTZIsUnset() throws {
        let (systemd, gentle) = try Self.both(["Mon..Fri 08:30", "--base-time=@1736944496", "--iterations=4"], zone: nil)
        #expect(Self.stable(gentle.stdout) == Self.stable(systemd.stdout))
    }

    @Test func printsNoIterationsWhenAskedForNone() throws {
        let (systemd, gentle) = try Self.both(["daily", "--base-time=@1736944496", "--iterations=0"], zone: "UTC")
        #expect(gentle.stdout == systemd.stdout)
        #expect(gentle.stdout.contains("Normalized form: *-*-* 00:00:00"))
    }

    @Test func printsFromNowLinesInSystemdsWords() throws {
        let gentle = try RunResult.run(PackagePaths.gentleBinary, ["calendar", "2199-12-31", "@1700000000"],
                                       environment: ["TZ": "UTC"])
        #expect(gentle.status == 0)
        // systemd counts years of 365.25 days.
        let target = Civil.days(year: 2199, month: 12, day: 31) * 86_400
        let years = (target - Int(Date().timeIntervalSince1970)) / 31_557_600
        let line = gentle.stdout.split(separator: "\n").first { $0.contains("From now:") }.map(String.init) ?? ""
        #expect(line.hasPrefix("       From now: \(years) years ") && line.hasSuffix(" left"), "\(line)")
        #expect(gentle.stdout.contains("    Next elapse: never"))
    }

    @Test func keepsTheBenchmarkOutOfTheHelp() throws {
        let help = try RunResult.run(PackagePaths.gentleBinary, ["calendar", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("--base-time"))
        #expect(!help.stdout.contains("benchmark"))
        let top = try RunResult.run(PackagePaths.gentleBinary, ["--help"])
        #expect(top.stdout.contains("calendar"))
        #expect(!top.stdout.contains("benchmark"))
    }

    @Test func benchmarksTheEngine() throws {
        let run = try RunResult.run(PackagePaths.gentleBinary, ["calendar", "--benchmark", "hourly", "Mon 08:30",
                                                               "--base-time=@1736944496", "--iterations=50"],
                                    environment: ["TZ": "Europe/Berlin"])
        #expect(run.status == 0)
        #expect(run.stdout.contains("elapses: "))
        #expect(run.stdout.contains("elapses_per_second: "))
    }
}
