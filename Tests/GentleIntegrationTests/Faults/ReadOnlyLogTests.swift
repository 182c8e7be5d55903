#if canImport(Glibc)
import Glibc
#endif
import Foundation
import GentleTestSupport
import Testing

/// The event log becomes read-only under a running `gentle run`: the daemon stays up, holds the
/// check-in that comes due, says why in STATUS=, and records and delivers it once the log is
/// writable again.
///
/// `chmod 0400` alone does not stop a process that has the file open, so each case makes the
/// daemon really lose write access: the immutable attribute (`chattr +i`, root, which fails
/// writes on the open descriptor with EPERM), or a read-only copy put in the log's place (the
/// daemon reopens a replaced log, and with the permission bits binding it that open fails with
/// EACCES).
@Suite struct ReadOnlyLogTests {
    enum Fault: String {
        case immutable
        case replacedByReadOnlyCopy

        /// What STATUS= must say, after "Cannot write the event log (".
        func problem(log: String) -> String {
            switch self {
            case .immutable:
                return "could not append to \(log): Operation not permitted (EPERM); gentle needs to read and write there"
            case .replacedByReadOnlyCopy:
                return "could not open \(log): Permission denied (EACCES); gentle needs to read and write there"
            }
        }
    }

    @Test(.enabled(if: FaultEnvironment.canMakeFilesImmutable, "needs root and chattr on the temporary file system"),
          .timeLimit(.minutes(2)))
    func anImmutableLogHoldsCheckinsUntilItIsWritable() async throws {
        try await run(.immutable)
    }

    @Test(.enabled(if: FaultEnvironment.permissionBitsApply != nil, "needs setpriv to drop CAP_DAC_OVERRIDE as root"),
          .timeLimit(.minutes(2)))
    func aReadOnlyCopyInTheLogsPlaceHoldsCheckinsUntilItIsWritable() async throws {
        try await run(.replacedByReadOnlyCopy)
    }

    func run(_ fault: Fault) async throws {
        let daemon = try DaemonProcess(
            config: FaultConfig.text([FaultConfig.Checkin(id: "later", title: "Later", at: FaultConfig.soon(3600))]),
            arguments: ["--journal-retry", "0.5"], environment: ["TZ": "UTC"],
            launcher: fault == .replacedByReadOnlyCopy ? FaultEnvironment.permissionBitsApply ?? [] : [])
        let log = (daemon.eventLogPath as NSString).standardizingPath
        defer {
            _ = try? RunResult.run("/usr/bin/chattr", ["-i", log])
            daemon.cleanUp()
        }
        #expect(daemon.notify.waitFor("READY=1", timeout: 20) != nil, "stderr: \(daemon.stderr)")

        let breathe = FaultConfig.Checkin(id: "breathe", title: "Breathe", at: FaultConfig.soon(2))
        try daemon.writeConfig(FaultConfig.text([breathe]))
        #expect(await poll(within: 20) { daemon.checkins(kind: "delivered") == ["breathe"] }, "stderr: \(daemon.stderr)")
        let before = daemon.eventLogBytes

        switch fault {
        case .immutable:
            #expect(chmod(log, 0o400) == 0)
            #expect(try RunResult.run("/usr/bin/chattr", ["+i", log]).status == 0)
        case .replacedByReadOnlyCopy:
            let copy = log + ".restored"
            try Data(before).write(to: URL(fileURLWithPath: copy))
            #expect(chmod(copy, 0o400) == 0)
            #expect(rename(copy, log) == 0)
        }

        let mark = daemon.notify.datagrams.count
        let due = FaultConfig.soon(2)
        try daemon.writeConfig(FaultConfig.text([breathe, FaultConfig.Checkin(id: "stretch", title: "Stretch", at: due)]))
        let expected = "Cannot write the event log (" + fault.problem(log: log)
        let reported = await poll(within: 20) { daemon.notify.statuses(from: mark).contains { $0.hasPrefix(expected) } }
        #expect(reported, "STATUS: \(daemon.notify.statuses(from: mark)); stderr: \(daemon.stderr)")
        #expect(daemon.notify.lastStatus?.contains("holding check-ins.") == true)
        try await Task.sleep(nanoseconds: UInt64(max(0, due.timeIntervalSinceNow + 1.5) * 1e9))
        #expect(daemon.isRunning)
        #expect(daemon.eventLogBytes == before, "the log is as it was")
        #expect(!daemon.stdout.contains("Stretch:"), "not delivered while it cannot be recorded")

        // Writable again: the held check-in is recorded and delivered once; STATUS= clears.
        let fixedMark = daemon.notify.datagrams.count
        if fault == .immutable { #expect(try RunResult.run("/usr/bin/chattr", ["-i", log]).status == 0) }
        #expect(chmod(log, 0o600) == 0)
        let delivered = await poll(within: 20) { daemon.checkins(kind: "delivered").contains("stretch") }
        #expect(delivered, "stderr: \(daemon.stderr)")
        #expect(daemon.checkins(kind: "fired") == ["breathe", "stretch"])
        #expect(daemon.checkins(kind: "delivered") == ["breathe", "stretch"])
        #expect(daemon.eventLogBytes.starts(with: before))
        #expect(daemon.eventLogIsWhole)
        let cleared = await poll(within: 10) {
            daemon.notify.statuses(from: fixedMark).last.map { $0.hasPrefix("Next: ") } ?? false
        }
        #expect(cleared, "STATUS: \(daemon.notify.statuses(from: fixedMark))")
        #expect(daemon.isRunning)
    }
}
