#if canImport(Glibc)
import Glibc
#endif
import Foundation
import GentleTestSupport
import Testing
@testable import GentleSystem

/// The notifier reads `$NOTIFY_SOCKET` and `$WATCHDOG_*` from the process environment, which
/// tests running in parallel must not change: each case runs it in a child process instead.
@Suite struct SystemdNotifierTests {
    private func notify(_ actions: [String], environment: [String: String?]) throws -> RunResult {
        var env = environment
        for key in ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"] where env[key] == nil {
            env[key] = .some(nil)
        }
        return try RunResult.run(PackagePaths.testTool, ["notify"] + actions, environment: env)
    }

    @Test func everyMessageArrivesAtTheSocket() throws {
        let listener = try NotifySocketListener()
        defer { listener.close() }
        let before = SystemdNotifier.monotonicMicroseconds()
        let result = try notify(["ready", "status=Next: \"Breathe\" at 14:30 (in 2h 5m)", "reloading", "watchdog",
                                 "status=config.toml:3:1: bad\nREADY=1", "stopping"],
                                environment: ["NOTIFY_SOCKET": listener.path])
        let after = SystemdNotifier.monotonicMicroseconds()
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "ready sent\nstatus sent\nreloading sent\nwatchdog sent\nstatus sent\nstopping sent\n")
        #expect(listener.waitFor("STOPPING=1", timeout: 5) != nil)
        let texts = listener.datagrams.map(\.text)
        #expect(texts.count == 6)
        guard texts.count == 6 else { return }
        #expect(texts[0] == "READY=1")
        #expect(texts[1] == "STATUS=Next: \"Breathe\" at 14:30 (in 2h 5m)")
        let reload = listener.datagrams[2].assignments
        #expect(reload["RELOADING"] == "1")
        let usec = try #require(reload["MONOTONIC_USEC"].flatMap { UInt64($0) })
        #expect(usec >= before && usec <= after)
        #expect(texts[3] == "WATCHDOG=1")
        // A line break in a status must not smuggle in a second assignment.
        #expect(texts[4] == "STATUS=config.toml:3:1: bad READY=1")
        #expect(texts[5] == "STOPPING=1")
        let times = listener.datagrams.map(\.receivedMonotonicNanoseconds)
        #expect(times == times.sorted())
    }

    @Test func withoutASocketEveryCallIsAQuietNoOp() throws {
        let result = try notify(["ready", "status=x", "watchdog", "stopping"], environment: [:])
        #expect(result.status == 0)
        #expect(result.stdout == "ready notConfigured\nstatus notConfigured\nwatchdog notConfigured\nstopping notConfigured\n")
    }

    @Test func aSocketThatIsGoneIsReportedAsAFailure() throws {
        let directory = try PackagePaths.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try notify(["ready"], environment: ["NOTIFY_SOCKET": directory + "/missing.sock"])
        #expect(result.stdout == "ready failed(\(ENOENT))\n")
    }

    @Test func theWatchdogIsOursOnlyWhenThePIDMatchesOrIsUnset() throws {
        let unset = try notify(["watchdog-interval"], environment: ["WATCHDOG_USEC": "3000000"])
        #expect(unset.stdout == "watchdog-interval 3000000 port 3.0\n")
        let other = try notify(["watchdog-interval"], environment: ["WATCHDOG_USEC": "3000000", "WATCHDOG_PID": "1"])
        #expect(other.stdout == "watchdog-interval none port none\n")
        let ours = try notify(["watchdog-pid-self", "watchdog-interval"], environment: ["WATCHDOG_USEC": "3000000"])
        #expect(ours.stdout == "watchdog-interval 3000000 port 3.0\n")
        let none = try notify(["watchdog-interval"], environment: [:])
        #expect(none.stdout == "watchdog-interval none port none\n")
        let malformed = try notify(["watchdog-interval"], environment: ["WATCHDOG_USEC": "soon"])
        #expect(malformed.stdout == "watchdog-interval none port none\n")
    }

    @Test func statusTextIsKeptOnOneLine() {
        #expect(SystemdNotifier.oneLine("a\nb\r\nc\u{2028}d\0e") == "a b c d e")
    }
}
