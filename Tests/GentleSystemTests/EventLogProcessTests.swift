#if canImport(Glibc)
import Glibc
#endif
import Foundation
import GentleCore
import GentleTestSupport
import Testing
@testable import GentleSystem

/// Whether this machine lets us make a private mount namespace (root in CI, not in every sandbox).
let canUnshareMounts: Bool = {
    (try? RunResult.run("/usr/bin/unshare", ["--mount", "--propagation", "private", "true"]).status) == 0
}()

/// Starts `gentle-test-tool append-stress` and reads the sequence numbers it reports, each
/// printed only after its append returned.
final class AppendingChild {
    let process = Process()
    private let output = Pipe()
    private var pending = ""
    private(set) var reported: [Int] = []

    init(directory: String, count: Int, tag: String = "stress") throws {
        process.executableURL = URL(fileURLWithPath: PackagePaths.testTool)
        process.arguments = ["append-stress", directory, String(count), tag]
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    /// Reads reports until at least `count` arrived (or the child ended).
    func waitForReports(atLeast count: Int) {
        while reported.count < count {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { return }
            take(data)
        }
    }

    func killHard() {
        kill(process.processIdentifier, SIGKILL)
    }

    /// Reads the rest after the child ended; a last line without its line break is not counted.
    func finish() -> Int32 {
        take(output.fileHandleForReading.readDataToEndOfFile())
        process.waitUntilExit()
        return process.terminationStatus
    }

    private func take(_ data: Data) {
        pending += String(decoding: data, as: UTF8.self)
        while let newline = pending.firstIndex(of: "\n") {
            if let n = Int(pending[..<newline]) { reported.append(n) }
            pending.removeSubrange(...newline)
        }
    }
}

@Suite(.serialized) struct EventLogProcessTests {
    @Test func killingAWriterMidBurstLosesNoCompleteRecord() throws {
        let directory = try PackagePaths.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var acknowledgedByRound: [[Int]] = []
        // Several rounds in the same log: each child is killed somewhere after its 1,000th
        // append, and the next open must cope with whatever the kill left behind.
        for round in 0..<4 {
            let child = try AppendingChild(directory: directory, count: 3000, tag: "round\(round)")
            child.waitForReports(atLeast: 1000 + round * 37)
            child.killHard()
            let status = child.finish()
            #expect(child.process.terminationReason == .uncaughtSignal && status == SIGKILL)
            #expect(child.reported.count >= 1000)
            #expect(child.reported == Array(1...child.reported.count))
            acknowledgedByRound.append(child.reported)

            let store = try EventLogStore(directory: directory, timeZone: utc, logger: LogCapture().logger)
            if let recovery = store.openingRecovery {
                // The torn tail is the start of a record the child never acknowledged.
                let torn = bytes(recovery.movedAsidePath)
                #expect(torn.starts(with: Array(#"{"v":1,"kind":"fired""#.utf8.prefix(torn.count))))
                #expect(!torn.contains(0x0A))
            }
            let contents = try store.readAll()
            #expect(contents.problems.isEmpty, "\(contents.problems)")
            store.close()
            for (index, acknowledged) in acknowledgedByRound.enumerated() {
                let present = contents.records.filter { $0.checkin == "round\(index)" }.compactMap(\.message)
                // Every acknowledged record is there, in order; at most one more made it to disk
                // between the append returning and the report being printed.
                #expect(Array(present.prefix(acknowledged.count)) == acknowledged)
                #expect(present.count - acknowledged.count <= 1)
                #expect(!present.isEmpty && present == Array(1...present.count))
            }
        }
        for path in corruptFiles(in: directory) { #expect(mode(path) == 0o600) }
    }

    @Test func twoProcessesAppendingAtOnceInterleaveWholeRecords() throws {
        let directory = try PackagePaths.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let a = try AppendingChild(directory: directory, count: 400, tag: "daemon")
        let b = try AppendingChild(directory: directory, count: 400, tag: "reply")
        #expect(a.finish() == 0)
        #expect(b.finish() == 0)
        let contents = try EventLogStore.readAll(path: directory + "/events.jsonl")
        #expect(contents.problems.isEmpty)
        #expect(contents.records.count == 800)
        for tag in ["daemon", "reply"] {
            #expect(contents.records.filter { $0.checkin == tag }.compactMap(\.message) == Array(1...400))
        }
        // They really did interleave (otherwise this test proves nothing about concurrency).
        let tags = contents.records.map { $0.checkin ?? "" }
        let switches = zip(tags, tags.dropFirst()).filter { $0 != $1 }.count
        #expect(switches > 1)
        #expect(corruptFiles(in: directory).isEmpty)
    }

    @Test(.enabled(if: canUnshareMounts, "needs a private mount namespace (root)"))
    func aFullDiskAndAReadOnlyDiskGiveClearErrorsAndLeaveTheLogWhole() throws {
        let directory = try PackagePaths.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let mountPoint = directory + "/mnt"
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        // A 64 KiB tmpfs fills within a few dozen records; some appends end in a short write.
        let script = """
            set -u
            mount -t tmpfs -o size=64k,mode=0700 tmpfs "$1" || exit 90
            "$2" append-stress "$1/state" 1000 full > "$3/full.out" 2> "$3/full.err"
            echo "full exit $?"
            cp "$1/state/events.jsonl" "$3/full.jsonl"
            rm -f "$1/state/events.jsonl"
            "$2" append-stress "$1/state" 3 ro > /dev/null 2>&1
            mount -o remount,ro "$1" || exit 91
            "$2" append-stress "$1/state" 3 ro > "$3/ro.out" 2> "$3/ro.err"
            echo "ro exit $?"
            """
        let result = try RunResult.run("/usr/bin/unshare",
                                       ["--mount", "--propagation", "private", "sh", "-c", script, "sh", mountPoint,
                                        PackagePaths.testTool, directory])
        #expect(result.stdout.contains("full exit 2"), "\(result.stdout) \(result.stderr)")
        let fullErr = (try? String(contentsOfFile: directory + "/full.err", encoding: .utf8)) ?? ""
        #expect(fullErr.contains("No space left on device (ENOSPC)"))
        #expect(fullErr.contains("free some space"))
        let acknowledged = ((try? String(contentsOfFile: directory + "/full.out", encoding: .utf8)) ?? "")
            .split(separator: "\n").compactMap { Int($0) }
        #expect(acknowledged.count > 3)
        let contents = try EventLogStore.readAll(path: directory + "/full.jsonl")
        #expect(contents.problems.isEmpty, "\(contents.problems)")
        #expect(contents.records.compactMap(\.message) == acknowledged)

        #expect(result.stdout.contains("ro exit 2"), "\(result.stdout) \(result.stderr)")
        let roErr = (try? String(contentsOfFile: directory + "/ro.err", encoding: .utf8)) ?? ""
        #expect(roErr.contains("(EROFS)"))
        #expect(roErr.contains("read-only"))
    }
}
