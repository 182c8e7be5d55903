#if canImport(Glibc)
import Glibc
#endif
import Foundation
import GentleTestSupport
import Testing

/// The state directory's file system fills up while `gentle run` runs (a 256 KiB tmpfs in a
/// mount namespace of the daemon's own): check-ins that come due are held, not lost and not
/// half-written; the daemon keeps running and says why in STATUS=; once space is freed every
/// held check-in is recorded and delivered once, and STATUS= clears.
@Suite struct DiskFullTests {
    static let burst = 12

    @Test(.enabled(if: FaultEnvironment.canUseTmpfsStateDirectory,
                   "needs root and a private mount namespace (unshare --mount) for a small tmpfs"),
          .timeLimit(.minutes(2)))
    func aFullDiskHoldsCheckinsUntilSpaceReturns() async throws {
        let home = try PackagePaths.makeTemporaryDirectory("gentle-daemon")
        try FileManager.default.createDirectory(atPath: home + "/.local/state", withIntermediateDirectories: true)
        let daemon = try DaemonProcess(
            config: FaultConfig.text([FaultConfig.Checkin(id: "later", title: "Later", at: FaultConfig.soon(3600))]),
            arguments: ["--journal-retry", "0.5"], environment: ["TZ": "UTC"], home: home,
            launcher: FaultEnvironment.tmpfsLauncher(mountPoint: home + "/.local/state", size: "256k"),
            privateMounts: true)
        defer { daemon.cleanUp() }
        #expect(daemon.notify.waitFor("READY=1", timeout: 20) != nil, "stderr: \(daemon.stderr)")
        // As the daemon names it: absolute and tidy (the temporary directory's path has a "//").
        let state = (daemon.stateDirectory as NSString).standardizingPath

        // A check-in goes through first, so there are records to keep.
        let first = FaultConfig.soon(2)
        let breathe = FaultConfig.Checkin(id: "breathe", title: "Breathe", at: first)
        try daemon.writeConfig(FaultConfig.text([breathe]))
        #expect(await poll(within: 20) { daemon.checkins(kind: "delivered") == ["breathe"] }, "stderr: \(daemon.stderr)")
        let before = daemon.eventLogBytes
        #expect(before.count > 0)

        // Fill the file system: a big file, then single bytes until not even one more fits. The
        // log's own last page keeps a little room (tmpfs counts whole pages), as on any disk: the
        // first records of the burst may still fit there, the rest cannot.
        let fill = try await offload {
            try FaultEnvironment.inNamespace(of: daemon.pid, """
                head -c 1G /dev/zero > "$1/filler" 2>/dev/null
                while printf x >> "$1/top-up" 2>/dev/null; do :; done
                df -k "$1" | tail -n 1
                """, [state])
        }
        let available = fill.stdout.split(separator: " ").filter { !$0.isEmpty }.dropFirst(3).first
        #expect(available == "0", "df: \(fill.stdout) \(fill.stderr)")

        // A burst of check-ins comes due: more records than the log's last page can take.
        let mark = daemon.notify.datagrams.count
        let due = FaultConfig.soon(2)
        let burst = (1...Self.burst).map { FaultConfig.Checkin(id: "water-\($0)", title: "Water \($0)", at: due) }
        // The config lives outside the tmpfs, so it can still change.
        try daemon.writeConfig(FaultConfig.text([breathe] + burst))
        let reported = await poll(within: 20) {
            daemon.notify.statuses(from: mark).contains {
                $0.hasPrefix("Cannot write the event log (could not append to \(state)/events.jsonl: No space left on device (ENOSPC); free some space on that file system; the record was not written); holding check-ins.")
            }
        }
        #expect(reported, "STATUS: \(daemon.notify.statuses(from: mark)); stderr: \(daemon.stderr)")
        try await Task.sleep(nanoseconds: UInt64(max(0, due.timeIntervalSinceNow + 2) * 1e9))
        #expect(daemon.isRunning)
        let duringFault = daemon.eventLogBytes
        #expect(duringFault.starts(with: before), "the records from before are untouched")
        #expect(daemon.eventLogIsWhole, "no half-written record")
        #expect(daemon.events.count < 2 * (1 + Self.burst), "the disk really was full: some records are missing yet")
        #expect(Set(Self.printed(daemon.stdout)).isSubset(of: Set(daemon.checkins(kind: "fired"))),
                "nothing delivered that is not recorded as fired")
        #expect(daemon.stderr.contains("cannot write the event log"))
        #expect(daemon.notify.lastStatus?.hasPrefix("Cannot write the event log") == true)

        // Space returns: every one is recorded and delivered exactly once, and the status clears.
        let freedMark = daemon.notify.datagrams.count
        let freed = try await offload {
            try FaultEnvironment.inNamespace(of: daemon.pid, "rm -f \"$1/filler\" \"$1/top-up\"", [state])
        }
        #expect(freed.status == 0)
        let everyone = Set(["breathe"] + burst.map(\.id))
        let delivered = await poll(within: 20) { Set(daemon.checkins(kind: "delivered")) == everyone }
        #expect(delivered, "records: \(daemon.events.count); stderr: \(daemon.stderr)")
        #expect(daemon.checkins(kind: "fired").sorted() == everyone.sorted(), "each fired once")
        #expect(daemon.checkins(kind: "delivered").sorted() == everyone.sorted(), "each delivered once")
        #expect(Self.printed(daemon.stdout).sorted() == everyone.sorted(), "each shown once")
        #expect(daemon.eventLogBytes.starts(with: duringFault))
        #expect(daemon.eventLogIsWhole)
        #expect(daemon.movedAsideFiles.isEmpty)
        let cleared = await poll(within: 10) {
            daemon.notify.statuses(from: freedMark).last.map { !$0.contains("Cannot write") } ?? false
        }
        #expect(cleared, "STATUS: \(daemon.notify.statuses(from: freedMark))")
        #expect(daemon.stderr.contains("the event log is writable again"))
        #expect(daemon.isRunning)
    }

    /// The check-in ids the console printed (`… gentle reply ID@TIME done`).
    static func printed(_ stdout: String) -> [String] {
        stdout.split(separator: "\n").compactMap { line in
            guard let range = line.range(of: "gentle reply ") else { return nil }
            return line[range.upperBound...].split(separator: "@").first.map(String.init)
        }
    }
}
