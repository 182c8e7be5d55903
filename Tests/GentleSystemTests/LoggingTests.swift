#if canImport(Glibc)
import Glibc
#endif
import Foundation
import GentleTestSupport
import Logging
import Testing
@testable import GentleSystem

final class LineSink: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    var lines: [String] {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }
    func add(_ bytes: [UInt8]) {
        lock.lock()
        stored.append(String(decoding: bytes, as: UTF8.self))
        lock.unlock()
    }
}

@Suite struct StderrLogHandlerTests {
    private let berlin = TimeZone(identifier: "Europe/Berlin") ?? .current
    private let moment = Date(timeIntervalSince1970: 1_795_789_805.75)  // 15:30:05 in Berlin

    @Test func priorityPrefixedLinesAreWhatSystemdParses() {
        let sink = LineSink()
        var logger = Logger(label: "gentle.test") { label in
            StderrLogHandler(label: label, style: .syslogPrefixed, logLevel: .debug, now: { moment }, sink: sink.add)
        }
        logger[metadataKey: "component"] = "runtime"
        logger.info("Fired", metadata: ["checkin.id": "breathe", "occurrence": "breathe@2026-11-27T15:30:00+01:00"])
        logger.warning("Could not deliver\nretrying", metadata: ["error": "550 mailbox \"full\""])
        logger.error("x")
        logger.critical("y")
        logger.notice("z")
        logger.debug("d")
        logger.trace("not shown")
        #expect(sink.lines == [
            "<6>Fired checkin.id=breathe component=runtime occurrence=breathe@2026-11-27T15:30:00+01:00\n",
            "<4>Could not deliver\\nretrying component=runtime error=\"550 mailbox \\\"full\\\"\"\n",
            "<3>x component=runtime\n",
            "<2>y component=runtime\n",
            "<5>z component=runtime\n",
            "<7>d component=runtime\n",
        ])
    }

    @Test func plainLinesAreForPeople() {
        #expect(StderrLogHandler.line(style: .plain, level: .info, message: "Ready", metadata: [:], date: moment,
                                      timeZone: berlin) == "15:30:05 Ready\n")
        #expect(StderrLogHandler.line(style: .plain, level: .warning, message: "Torn line moved aside",
                                      metadata: ["bytes": "12", "path": "/s/events.jsonl"], date: moment,
                                      timeZone: berlin) == "15:30:05 warning: Torn line moved aside bytes=12 path=/s/events.jsonl\n")
        #expect(StderrLogHandler.line(style: .plain, level: .error, message: "a\tb", metadata: ["k": ""], date: moment,
                                      timeZone: berlin) == "15:30:05 error: a\\tb k=\"\"\n")
    }

    @Test func theChildWritesOneLinePerCallToItsStderr() throws {
        let syslog = try RunResult.run(PackagePaths.testTool, ["log", "syslog"])
        #expect(syslog.stdout == "destination stderr with <N> priorities\n")
        #expect(syslog.stderr == """
            <6>Next check-in chosen checkin.id=breathe component=probe occurrence=breathe@2026-11-27T14:30:00+01:00
            <4>Two lines\\nin one message component=probe
            <7>details component=probe note="has spaces and \\"quotes\\""

            """)
        let plain = try RunResult.run(PackagePaths.testTool, ["log", "plain"])
        let lines = plain.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines.allSatisfy { $0.range(of: #"^\d\d:\d\d:\d\d "#, options: .regularExpression) != nil })
        #expect(lines.first?.hasSuffix(" Next check-in chosen checkin.id=breathe component=probe occurrence=breathe@2026-11-27T14:30:00+01:00") == true)
        #expect(lines.dropFirst().first?.hasSuffix(" warning: Two lines\\nin one message component=probe") == true)
    }

    @Test func automaticChoiceFollowsTheTerminalAndJournald() throws {
        #expect(GentleLogging.chooseDestination(stderrIsTerminal: true, journaldAvailable: { true }) == .stderrPlain)
        #expect(GentleLogging.chooseDestination(stderrIsTerminal: false, journaldAvailable: { true }) == .journald)
        #expect(GentleLogging.chooseDestination(stderrIsTerminal: false, journaldAvailable: { false }) == .stderrWithPriorities)
        // For real: the child's stderr is a pipe, so it picks journald exactly when journald runs.
        let auto = try RunResult.run(PackagePaths.testTool, ["log", "auto"])
        let expected: GentleLogging.Destination = GentleLogging.journaldIsAvailable() ? .journald : .stderrWithPriorities
        #expect(auto.stdout == "destination \(expected)\n")
    }
}

@Suite struct JournaldLogHandlerTests {
    @Test(arguments: [
        ("checkin.id", "CHECKIN_ID"), ("occurrence", "OCCURRENCE"), ("moved_to", "MOVED_TO"), ("_secret", "SECRET"),
        ("2fa", "GENTLE_2FA"), ("message", "GENTLE_MESSAGE"), ("Priority", "GENTLE_PRIORITY"), ("ünï", "N_"),
    ])
    func metadataKeysBecomeJournalFieldNames(key: String, field: String) {
        #expect(JournaldLogHandler.fieldName(forMetadataKey: key) == field)
    }

    @Test func keysWithNothingUsableAreDropped() {
        #expect(JournaldLogHandler.fieldName(forMetadataKey: "") == nil)
        #expect(JournaldLogHandler.fieldName(forMetadataKey: "._") == nil)
        #expect(JournaldLogHandler.fieldName(forMetadataKey: String(repeating: "a", count: 100))?.count == 64)
    }

    @Test func anEntryCarriesMessagePriorityIdentifierAndMetadata() {
        let fields = JournaldLogHandler.fields(level: .warning, message: "two\nlines",
                                               metadata: ["checkin.id": "breathe", "occurrence": "breathe@2026-11-27T14:30:00Z"],
                                               identifier: "gentle", label: "gentle.runtime", file: "Runtime.swift",
                                               line: 42, function: "fire()")
        #expect(fields == [
            "MESSAGE=two\nlines", "PRIORITY=4", "SYSLOG_IDENTIFIER=gentle", "CODE_FILE=Runtime.swift", "CODE_LINE=42",
            "CODE_FUNC=fire()", "LOGGER=gentle.runtime", "CHECKIN_ID=breathe", "OCCURRENCE=breathe@2026-11-27T14:30:00Z",
        ])
    }

    /// A real journald in a private mount namespace (its own tmpfs on /run and over the journal
    /// directory, so the machine's journal is not touched): the child finds it, logs to it, and
    /// journalctl shows the structured fields.
    @Test(.enabled(if: canUnshareMounts && FileManager.default.isExecutableFile(atPath: "/lib/systemd/systemd-journald"),
                   "needs a private mount namespace (root) and systemd-journald"))
    func entriesReachARealJournald() throws {
        let script = """
            set -u
            mount -t tmpfs tmpfs /run || exit 90
            for d in /var/log/journal /run/log/journal; do [ -d "$d" ] && { mount -t tmpfs tmpfs "$d" || exit 91; }; done
            mkdir -p /run/systemd/journal
            /lib/systemd/systemd-journald & journald=$!
            i=0; while [ ! -S /run/systemd/journal/socket ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done
            "$1" log auto < /dev/null 2> /dev/null
            journalctl --sync 2>/dev/null || sleep 0.5
            journalctl -o json --no-pager SYSLOG_IDENTIFIER=gentle
            kill $journald; wait $journald 2>/dev/null
            exit 0
            """
        let result = try RunResult.run("/usr/bin/unshare", ["--mount", "--propagation", "private", "sh", "-c", script,
                                                            "sh", PackagePaths.testTool])
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "destination journald", "\(result.stdout)\n\(result.stderr)")
        let entries: [[String: Any]] = lines.dropFirst().compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
        }
        #expect(entries.count == 3, "\(result.stdout)")
        guard entries.count == 3 else { return }
        #expect(entries[0]["MESSAGE"] as? String == "Next check-in chosen")
        #expect(entries[0]["PRIORITY"] as? String == "6")
        #expect(entries[0]["CHECKIN_ID"] as? String == "breathe")
        #expect(entries[0]["OCCURRENCE"] as? String == "breathe@2026-11-27T14:30:00+01:00")
        #expect(entries[0]["COMPONENT"] as? String == "probe")
        #expect(entries[0]["LOGGER"] as? String == "gentle.test")
        #expect(entries[1]["MESSAGE"] as? String == "Two lines\nin one message")
        #expect(entries[1]["PRIORITY"] as? String == "4")
        #expect(entries[2]["NOTE"] as? String == "has spaces and \"quotes\"")
        #expect(entries[2]["PRIORITY"] as? String == "7")
    }
}
