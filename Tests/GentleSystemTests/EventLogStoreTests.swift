#if canImport(Glibc)
import Glibc
#endif
import Foundation
import GentleCore
import GentleTestSupport
import Logging
import Testing
@testable import GentleSystem

/// Permissions bits of `path`.
func mode(_ path: String) -> UInt32 {
    var s = stat()
    guard stat(path, &s) == 0 else { return 0 }
    return UInt32(s.st_mode) & 0o7777
}

func bytes(_ path: String) -> [UInt8] {
    FileManager.default.contents(atPath: path).map { [UInt8]($0) } ?? []
}

func appendRaw(_ data: [UInt8], to path: String) throws {
    let handle = try #require(FileHandle(forWritingAtPath: path))
    try handle.seekToEnd()
    handle.write(Data(data))
    try handle.close()
}

func corruptFiles(in directory: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
        .filter { $0.hasPrefix("events.jsonl.corrupt-") }.sorted().map { directory + "/" + $0 }
}

let utc = TimeZone(identifier: "UTC") ?? .current

func sampleRecord(_ n: Int, note: String? = nil) -> EventRecord {
    EventRecord(kind: n % 2 == 0 ? .fired : .reply, at: Date(timeIntervalSince1970: 1_795_789_800 + Double(n) + 0.25),
                occurrence: OccurrenceID(checkin: "breathe", scheduled: Date(timeIntervalSince1970: 1_795_789_800), timeZone: utc),
                channel: "desktop", action: n % 2 == 0 ? nil : "done", note: note, message: n)
}

@Suite struct EventLogStoreTests {
    @Test func createsAPrivateDirectoryAndFile() throws {
        let root = try PackagePaths.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let directory = root + "/state/nested/gentle"
        let store = try EventLogStore(directory: directory, timeZone: utc, logger: LogCapture().logger)
        #expect(store.path == directory + "/events.jsonl")
        #expect(mode(root + "/state") == 0o700)
        #expect(mode(root + "/state/nested") == 0o700)
        #expect(mode(directory) == 0o700)
        #expect(mode(store.path) == 0o600)
        #expect(store.openingRecovery == nil)
    }

    @Test func tightensLooserModesAndSaysSo() throws {
        let directory = try PackagePaths.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/events.jsonl"
        #expect(FileManager.default.createFile(atPath: path, contents: Data(EventLogCodec.encodeLine(sampleRecord(1), timeZone: utc))))
        chmod(directory, 0o755)
        chmod(path, 0o644)
        let capture = LogCapture()
        let store = try EventLogStore(directory: directory, timeZone: utc, logger: capture.logger)
        #expect(mode(directory) == 0o700)
        #expect(mode(path) == 0o600)
        let warnings = capture.entries.filter { $0.level == .warning }.map(\.message)
        #expect(warnings.count == 2)
        #expect(warnings.contains { $0.contains("0700") })
        #expect(warnings.contains { $0.contains("0600") })
        #expect(try store.readAll().records == [sampleRecord(1)])
    }

    @Test func appendsOneLinePerRecordAndReadsThemBack() throws {
        let directory = try PackagePaths.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try EventLogStore(directory: directory, timeZone: utc, logger: LogCapture().logger)
        let records = (0..<200).map { sampleRecord($0, note: $0 % 3 == 0 ? "line\nbreak \"quoted\" ü" : nil) }
        for record in records { try store.append(record) }
        #expect(bytes(store.path) == records.flatMap { EventLogCodec.encodeLine($0, timeZone: utc) })
        let contents = try store.readAll()
        #expect(contents.records == records)
        #expect(contents.problems.isEmpty)
        var streamed = 0
        try EventLogStore.read(path: store.path, chunkSize: 4096) { entry in
            if case .record(let record, let line) = entry {
                #expect(record == records[line - 1])
                streamed += 1
            }
        }
        #expect(streamed == records.count)
    }

    @Test func aMissingLogReadsAsEmpty() throws {
        let directory = try PackagePaths.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(try EventLogStore.readAll(path: directory + "/events.jsonl") == EventLogContents())
    }

    @Test func aTornLastLineIsMovedAsideWithItsExactBytes() throws {
        let directory = try PackagePaths.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/events.jsonl"
        let complete = (1...3).flatMap { EventLogCodec.encodeLine(sampleRecord($0), timeZone: utc) }
        let torn: [UInt8] = Array(#"{"v":1,"kind":"reply","at":"2026-11-27T14:3"#.utf8) + [0x00, 0xFF, 0xC3, 0x0D]
        #expect(FileManager.default.createFile(atPath: path, contents: Data(complete + torn)))
        let capture = LogCapture()
        let store = try EventLogStore(directory: directory, timeZone: utc, logger: capture.logger)
        let recovery = try #require(store.openingRecovery)
        #expect(recovery.offset == Int64(complete.count))
        #expect(recovery.byteCount == Int64(torn.count))
        #expect(recovery.movedAsidePath.hasPrefix(path + ".corrupt-"))
        #expect(corruptFiles(in: directory) == [recovery.movedAsidePath])
        #expect(bytes(recovery.movedAsidePath) == torn)
        #expect(mode(recovery.movedAsidePath) == 0o600)
        #expect(bytes(path) == complete)
        #expect(capture.entries.contains { $0.level == .warning && $0.metadata["moved_to"] == "\(recovery.movedAsidePath)" })
        try store.append(sampleRecord(4))
        let contents = try store.readAll()
        #expect(contents.records == (1...4).map { sampleRecord($0) })
        #expect(contents.problems.isEmpty)
    }

    @Test func anUnreadableLastLineIsMovedAsideButAnOddOneIsKept() throws {
        let directory = try PackagePaths.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/events.jsonl"
        let complete = (1...2).flatMap { EventLogCodec.encodeLine(sampleRecord($0), timeZone: utc) }
        // What delayed allocation can leave after a power cut: the size grew, the data never came.
        let zeros = [UInt8](repeating: 0, count: 37) + [0x0A]
        #expect(FileManager.default.createFile(atPath: path, contents: Data(complete + zeros)))
        let first = try EventLogStore(directory: directory, timeZone: utc, logger: LogCapture().logger)
        let recovery = try #require(first.openingRecovery)
        #expect(bytes(recovery.movedAsidePath) == zeros)
        #expect(bytes(path) == complete)
        first.close()

        // Well-formed JSON with a field of a type this version does not expect: a newer gentle
        // may have written it, so it stays (and readers report it).
        let odd = Array(#"{"v":2,"kind":"fired","at":"2026-11-27T14:30:00Z","message":"three"}"#.utf8) + [0x0A]
        try appendRaw(odd, to: path)
        let second = try EventLogStore(directory: directory, timeZone: utc, logger: LogCapture().logger)
        #expect(second.openingRecovery == nil)
        #expect(bytes(path) == complete + odd)
        let contents = try second.readAll()
        #expect(contents.records.count == 2)
        #expect(contents.problems.map(\.line) == [3])
        #expect(contents.problems.first?.error.category == .invalidField)
    }

    @Test func damageInTheMiddleIsReportedAndLeftInPlace() throws {
        let directory = try PackagePaths.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/events.jsonl"
        let content = EventLogCodec.encodeLine(sampleRecord(1), timeZone: utc) + Array("{\"v\":1,\"ki\n".utf8)
            + EventLogCodec.encodeLine(sampleRecord(2), timeZone: utc)
        #expect(FileManager.default.createFile(atPath: path, contents: Data(content)))
        let store = try EventLogStore(directory: directory, timeZone: utc, logger: LogCapture().logger)
        #expect(store.openingRecovery == nil)
        #expect(bytes(path) == content)
        let contents = try store.readAll()
        #expect(contents.records == [sampleRecord(1), sampleRecord(2)])
        #expect(contents.problems.map(\.line) == [2])
    }

    @Test func aFragmentLeftByAKilledWriterIsMovedAsideBeforeTheNextAppend() throws {
        let directory = try PackagePaths.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try EventLogStore(directory: directory, timeZone: utc, logger: LogCapture().logger)
        try store.append(sampleRecord(1))
        let fragment = Array(EventLogCodec.encodeLine(sampleRecord(2), timeZone: utc).prefix(50))
        try appendRaw(fragment, to: store.path)  // another process died mid-write
        try store.append(sampleRecord(3))
        #expect(store.recoveriesSinceOpen.count == 1)
        #expect(store.recoveriesSinceOpen.first.map { bytes($0.movedAsidePath) } == fragment)
        let contents = try store.readAll()
        #expect(contents.records == [sampleRecord(1), sampleRecord(3)])
        #expect(contents.problems.isEmpty)
    }

    @Test func aDeletedLogIsStartedAfreshInsteadOfWritingIntoTheVoid() throws {
        let directory = try PackagePaths.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let capture = LogCapture()
        let store = try EventLogStore(directory: directory, timeZone: utc, logger: capture.logger)
        try store.append(sampleRecord(1))
        try FileManager.default.removeItem(atPath: store.path)
        try store.append(sampleRecord(2))
        #expect(try EventLogStore.readAll(path: store.path).records == [sampleRecord(2)])
        #expect(mode(store.path) == 0o600)
        #expect(capture.entries.contains { $0.message.contains("moved or deleted") })
    }

    @Test func failuresNameTheFileTheReasonAndWhatToDo() throws {
        let directory = try PackagePaths.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(FileManager.default.createFile(atPath: directory + "/blocker", contents: Data()))
        do {
            _ = try EventLogStore(directory: directory + "/blocker/gentle", timeZone: utc, logger: LogCapture().logger)
            Issue.record("opened a log below a regular file")
        } catch {
            #expect(error.code == ENOTDIR)
            #expect(!error.isRetryable)
            #expect("\(error)".contains(directory + "/blocker"))
            #expect("\(error)".contains("ENOTDIR"))
            #expect("\(error)".contains("--state-dir"))
        }
        try FileManager.default.createDirectory(atPath: directory + "/state/events.jsonl", withIntermediateDirectories: true)
        #expect(throws: EventLogError.self) {
            _ = try EventLogStore(directory: directory + "/state", timeZone: utc, logger: LogCapture().logger)
        }
        let closed = try EventLogStore(directory: directory + "/other", timeZone: utc, logger: LogCapture().logger)
        closed.close()
        #expect(throws: EventLogError.self) { try closed.append(sampleRecord(1)) }
    }

    @Test func manyThreadsOfOneProcessAppendWholeLines() async throws {
        let directory = try PackagePaths.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try EventLogStore(directory: directory, timeZone: utc, logger: LogCapture().logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for t in 0..<4 {
                group.addTask {
                    for i in 0..<50 { try store.append(sampleRecord(t * 1000 + i, note: String(repeating: "n", count: i * 40))) }
                }
            }
            try await group.waitForAll()
        }
        let contents = try store.readAll()
        #expect(contents.problems.isEmpty)
        #expect(Set(contents.records.compactMap(\.message)) == Set((0..<4).flatMap { t in (0..<50).map { t * 1000 + $0 } }))
    }
}
