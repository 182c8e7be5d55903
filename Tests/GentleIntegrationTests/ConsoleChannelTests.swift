import Foundation
import Testing
import GentleTestSupport

/// The console channel at a real terminal (a pseudo-terminal): the check-in is shown with its
/// keys, and one key press or a typed note becomes a reply in the log.
@Suite(.serialized) struct ConsoleChannelTests {
    func run(keys: String) throws -> (output: String, status: Int32, events: [[String: Any]]) {
        let home = try PackagePaths.makeTemporaryDirectory("gentle-console")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let due = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 + 2.5).rounded(.up))
        let config = home + "/config.toml"
        try """
            timezone = "UTC"
            min_spacing = "0m"
            [[checkin]]
            id = "breathe"
            title = "Breathe"
            messages = ["Take one slow breath."]
            when = "\(DaemonProcess.utcClock(due))"
            channels = ["console"]
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let result = try RunResult.run("/usr/bin/env", [
            "python3", PackagePaths.root + "/Tests/Tools/pty_console.py", PackagePaths.gentleBinary, config,
            home + "/state", keys, "30",
        ], environment: ["TZ": "UTC", "NOTIFY_SOCKET": nil, "DBUS_SESSION_BUS_ADDRESS": nil, "XDG_RUNTIME_DIR": nil])
        let text = (try? String(contentsOfFile: home + "/state/events.jsonl", encoding: .utf8)) ?? ""
        let events = text.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
        }
        return (result.stdout, result.status, events)
    }

    @Test func oneKeyAnswersTheCheckin() throws {
        let result = try run(keys: "n")
        #expect(result.status == 0, "terminal showed: \(result.output)")
        #expect(result.output.contains("Breathe"))
        #expect(result.output.contains("[d] Did it  [n] Not now  [s] In 30 min"))
        let reply = result.events.first { $0["kind"] as? String == "reply" }
        #expect(reply?["action"] as? String == "not-now")
        #expect(reply?["channel"] as? String == "console")
    }

    @Test func aTypedNoteIsKeptWithTheAnswer() throws {
        let result = try run(keys: "we sat on the floor together\r")
        #expect(result.status == 0, "terminal showed: \(result.output)")
        let reply = result.events.first { $0["kind"] as? String == "reply" }
        #expect(reply?["action"] as? String == "done")
        #expect(reply?["note"] as? String == "we sat on the floor together")
    }

    @Test func snoozeKeyAsksForItLater() throws {
        let result = try run(keys: "s")
        #expect(result.status == 0, "terminal showed: \(result.output)")
        #expect(result.events.contains { $0["kind"] as? String == "reply" && $0["action"] as? String == "snooze:30m" })
        #expect(result.events.contains { $0["kind"] as? String == "snoozed" })
    }
}
