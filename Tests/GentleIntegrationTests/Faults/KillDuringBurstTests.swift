#if canImport(Glibc)
import Glibc
#endif
import Foundation
import GentleTestSupport
import Testing

/// `kill -9` of `gentle run` while many check-ins come due in the same second: every record that
/// reached the disk survives the restart, a torn last line is moved aside and reported, and no
/// occurrence is fired twice — the ones the killed daemon never recorded fire after the restart.
///
/// The check-ins have history (a first burst goes through whole): a check-in that has never fired
/// or been let pass is looked at only from the daemon's start on, so one whose very first
/// occurrence was lost to the kill waits for its next one (see docs/faults.md).
@Suite struct KillDuringBurstTests {
    static let burst = 200

    @Test(.timeLimit(.minutes(4)))
    func killNineMidBurstLosesNoRecordAndFiresNothingTwice() async throws {
        let warmUp = FaultConfig.soon(4)
        let due = warmUp.addingTimeInterval(15)
        let checkins = (1...Self.burst).map {
            FaultConfig.Checkin(id: String(format: "burst-%03d", $0), title: "Burst \($0)", at: warmUp, due)
        }
        let config = FaultConfig.text(checkins)
        let first = try DaemonProcess(config: config, environment: ["TZ": "UTC"])
        defer { first.cleanUp(keepHome: true) }
        #expect(first.notify.waitFor("READY=1", timeout: 20) != nil, "stderr: \(first.stderr)")

        // The first burst goes through whole: fired then (from the console channel) delivered,
        // 2 synced records per check-in.
        let warmedUp = await poll(within: 60) { first.checkins(kind: "delivered").count == Self.burst }
        #expect(warmedUp, "first burst: \(first.events.count) records; stderr: \(first.stderr)")
        let stdoutBefore = first.stdout.count

        // The second one is killed once a good part of it is on disk.
        let killAt = 2 * Self.burst + Self.burst / 3
        try await Task.sleep(nanoseconds: UInt64(max(0, due.timeIntervalSinceNow - 0.5) * 1e9))
        let linesAtKill = try await offload { () -> Int in
            let deadline = Date().addingTimeInterval(60)
            while Date() < deadline {
                let lines = first.eventLogBytes.lazy.filter { $0 == 0x0A }.count
                if lines >= killAt {
                    first.signal(SIGKILL)
                    return lines
                }
                usleep(300)
            }
            return -1
        }
        #expect(linesAtKill >= killAt, "the burst never started; stderr: \(first.stderr)")
        _ = try await offload { first.waitForExit(timeout: 10) }
        #expect(first.process.terminationReason == .uncaughtSignal && first.process.terminationStatus == SIGKILL)

        let afterKill = first.eventLogBytes
        let completeLength = (afterKill.lastIndex(of: 0x0A).map { $0 + 1 }) ?? 0
        let complete = Array(afterKill[..<completeLength])
        let recordsAtKill = complete.split(separator: 0x0A).compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0))) as? [String: Any]
        }
        #expect(recordsAtKill.count == complete.split(separator: 0x0A).count, "every complete line is a record")
        #expect(recordsAtKill.count < 4 * Self.burst, "killed mid-burst (otherwise this proves nothing)")
        let secondBurst = recordsAtKill.filter {
            $0["kind"] as? String == "fired" && ($0["occurrence"] as? String)?.hasSuffix(Self.stamp(due)) == true
        }
        let firedBefore = Set(secondBurst.compactMap { $0["checkin"] as? String })
        #expect(!firedBefore.isEmpty && firedBefore.count < Self.burst)

        // The console printed each check-in only after its fired record was synced: every one
        // printed must be in the log.
        let printed = Set(String(first.stdout.dropFirst(stdoutBefore)).split(separator: "\n").compactMap { line -> String? in
            guard let range = line.range(of: "gentle reply ") else { return nil }
            return line[range.upperBound...].split(separator: "@").first.map(String.init)
        })
        #expect(!printed.isEmpty)
        #expect(printed.isSubset(of: firedBefore), "printed but not recorded: \(printed.subtracting(firedBefore).sorted())")

        // A single write(2) per record rarely leaves a torn line under SIGKILL; plant one where it
        // did not, as a record cut off mid-write would look.
        var torn = Array(afterKill[completeLength...])
        if torn.isEmpty {
            torn = Array(#"{"v":1,"kind":"fired","at":"2026-11-27T14:30:00.000Z","occurrence":"burst-"#.utf8)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: first.eventLogPath))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(torn))
            try handle.close()
        }

        let second = try DaemonProcess(config: config, environment: ["TZ": "UTC"], home: first.home)
        defer { second.cleanUp() }
        #expect(second.notify.waitFor("READY=1", timeout: 20) != nil, "stderr: \(second.stderr)")
        let firedForDue = { second.events(kind: "fired").filter { ($0["occurrence"] as? String)?.hasSuffix(Self.stamp(due)) == true } }
        let allFired = await poll(within: 60) { firedForDue().count >= Self.burst }
        #expect(allFired, "fired \(firedForDue().count) of \(Self.burst); stderr: \(second.stderr)")
        let firedAfter = Set(firedForDue().compactMap { $0["checkin"] as? String }).subtracting(firedBefore)
        #expect(await poll(within: 30) {
            Set(second.checkins(kind: "delivered")).isSuperset(of: firedAfter)
        }, "every check-in fired after the restart is delivered")

        // The torn tail: moved aside byte for byte, reported, and gone from the log.
        let aside = second.movedAsideFiles
        #expect(aside.count == 1, "\(aside)")
        if let path = aside.first {
            #expect(FileManager.default.contents(atPath: path).map { [UInt8]($0) } == torn)
        }
        #expect(second.stderr.contains("The event log ended in a torn line"), "stderr: \(second.stderr)")

        // Every complete record from before the kill is still there, unchanged, in front.
        let finalLog = second.eventLogBytes
        #expect(finalLog.starts(with: complete))
        #expect(second.eventLogIsWhole)

        // Nothing fired twice: each check-in exactly once over both runs, one occurrence each,
        // and the restart fired exactly the ones the killed daemon had not recorded.
        let fired = firedForDue().compactMap { $0["checkin"] as? String }
        #expect(fired.count == Self.burst)
        #expect(Set(fired) == Set(checkins.map(\.id)))
        #expect(second.checkins(kind: "fired").count == 2 * Self.burst)
        #expect(Set(second.occurrences(kind: "fired")).count == 2 * Self.burst)
        #expect(firedAfter == Set(checkins.map(\.id)).subtracting(firedBefore))
        #expect(second.isRunning)
        #expect(second.notify.lastStatus?.contains("Cannot write") == false)
    }

    /// How an occurrence id ends for a moment in UTC: `…@2026-11-27T14:30:00Z`.
    static func stamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return "@" + formatter.string(from: date)
    }
}
