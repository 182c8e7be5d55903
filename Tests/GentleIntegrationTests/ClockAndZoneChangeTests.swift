#if canImport(Glibc)
import Glibc
#endif
import Foundation
import GentleTestSupport
import Testing

/// The kernel's own signals reach a running `gentle run`: a real clock step (CLOCK_REALTIME set
/// by clock_settime, which is what NTP steps and `date -s` do) is seen through the
/// TFD_TIMER_CANCEL_ON_SET timerfd, and a time-zone change (/etc/localtime replaced the way
/// timedatectl does it) through inotify. What the planner then does with any step, forwards or
/// back, is tested with a controllable clock in GentleCoreTests.
@Suite struct ClockAndZoneChangeTests {
    /// Sets CLOCK_REALTIME to what it already is (plus the nanoseconds spent computing it), so
    /// the machine's time is not moved while the kernel still reports a clock step. Needs
    /// CAP_SYS_TIME; false when the step was refused.
    static func stepClockInPlace() -> Bool {
        var real = timespec()
        var then = timespec()
        clock_gettime(CLOCK_MONOTONIC, &then)
        clock_gettime(CLOCK_REALTIME, &real)
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let elapsed = (Int64(now.tv_sec) - Int64(then.tv_sec)) * 1_000_000_000 + Int64(now.tv_nsec) - Int64(then.tv_nsec)
        let total = Int64(real.tv_nsec) + elapsed
        var target = timespec(tv_sec: real.tv_sec + Int(total / 1_000_000_000), tv_nsec: Int(total % 1_000_000_000))
        return clock_settime(CLOCK_REALTIME, &target) == 0
    }

    static let canStepTheClock: Bool = geteuid() == 0 && stepClockInPlace()

    @Test(.enabled(if: canStepTheClock, "needs CAP_SYS_TIME (root) to step CLOCK_REALTIME"), .timeLimit(.minutes(1)))
    func aClockStepMakesTheDaemonRecomputeAndNothingFiresTwice() async throws {
        let due = FaultConfig.soon(4)
        let daemon = try DaemonProcess(
            config: FaultConfig.text([FaultConfig.Checkin(id: "breathe", title: "Breathe", at: due)]),
            environment: ["TZ": "UTC"])
        defer { daemon.cleanUp() }
        #expect(daemon.notify.waitFor("READY=1", timeout: 10) != nil, "stderr: \(daemon.stderr)")
        let notice = "wall clock changed (clock step or resume); recomputing"
        #expect(!daemon.stderr.contains(notice))

        #expect(Self.stepClockInPlace())
        #expect(await poll(within: 5) { daemon.stderr.contains(notice) }, "stderr: \(daemon.stderr)")

        // The check-in due after the step fires once, on time.
        #expect(await poll(within: due.timeIntervalSinceNow + 5) { daemon.checkins(kind: "fired") == ["breathe"] },
                "stderr: \(daemon.stderr)")
        #expect(Self.stepClockInPlace())
        try await Task.sleep(for: .seconds(1))
        #expect(daemon.checkins(kind: "fired") == ["breathe"], "a step after the fire does not fire it again")
        #expect(daemon.isRunning)
    }

    /// The daemon follows the system zone (no `timezone` in the config, no TZ). It runs with a
    /// copy of /etc bound over /etc in a mount namespace of its own, so the test can replace
    /// /etc/localtime without touching the machine's.
    @Test(.enabled(if: FaultEnvironment.canUseTmpfsStateDirectory, "needs root and unshare --mount"),
          .timeLimit(.minutes(1)))
    func aTimeZoneChangeMovesTheNextCheckinToTheNewZone() async throws {
        let etc = try PackagePaths.makeTemporaryDirectory("gentle-etc")
        defer { try? FileManager.default.removeItem(atPath: etc) }
        let copy = try RunResult.run("/bin/cp", ["-a", "/etc/.", etc])
        try #require(copy.status == 0, "\(copy.stderr)")
        try? FileManager.default.removeItem(atPath: etc + "/localtime")
        try FileManager.default.createSymbolicLink(atPath: etc + "/localtime", withDestinationPath: "/usr/share/zoneinfo/Etc/UTC")

        // A set time two minutes ahead in UTC; in Tokyo (UTC+9) the same wall-clock time is
        // about 15 hours away.
        let due = FaultConfig.soon(120)
        let config = FaultConfig.text([FaultConfig.Checkin(id: "breathe", title: "Breathe", at: due)], timezone: nil)
        let daemon = try DaemonProcess(
            config: config, environment: ["TZ": nil],
            launcher: ["/usr/bin/unshare", "--mount", "--propagation", "private", "/bin/sh", "-c",
                       "mount --bind \"$0\" /etc || exit 90; exec \"$@\"", etc])
        defer { daemon.cleanUp() }
        #expect(daemon.notify.waitFor("READY=1", timeout: 10) != nil, "stderr: \(daemon.stderr)")
        let before = try #require(daemon.notify.lastStatus)
        #expect(before.hasPrefix("Next: \"Breathe\" at ") && !before.contains("h "), "minutes away: \(before)")

        let mark = daemon.notify.datagrams.count
        try FileManager.default.createSymbolicLink(atPath: etc + "/localtime.new", withDestinationPath: "/usr/share/zoneinfo/Asia/Tokyo")
        #expect(rename(etc + "/localtime.new", etc + "/localtime") == 0)

        #expect(await poll(within: 5) { daemon.stderr.contains("system time zone changed to Asia/Tokyo; recomputing") },
                "stderr: \(daemon.stderr)")
        #expect(await poll(within: 5) {
            daemon.notify.statuses(from: mark).contains { $0.hasPrefix("Next: \"Breathe\" at ") && ($0.contains("(in 14h") || $0.contains("(in 15h")) }
        }, "STATUS: \(daemon.notify.statuses(from: mark))")
        #expect(daemon.isRunning)
    }
}
