import Foundation
import Testing
import GentleTestSupport

/// `gentle run` as systemd sees it: notify protocol, timely fires, reload, stop, bad config.
@Suite(.serialized) struct DaemonLifecycleTests {
    static func config(title: String = "Breathe", at moment: Date, extra: String = "") -> String {
        """
        timezone = "UTC"
        max_per_day = 48
        min_spacing = "0m"
        \(extra)
        [[checkin]]
        id = "breathe"
        title = "\(title)"
        messages = ["Take one slow breath.", "In through the nose, out through the mouth."]
        when = "\(DaemonProcess.utcClock(moment))"
        channels = ["console"]
        """
    }

    /// A whole second at least `seconds` ahead.
    static func soon(_ seconds: Double) -> Date {
        Date(timeIntervalSince1970: (Date().timeIntervalSince1970 + seconds).rounded(.up))
    }

    @Test func reportsReadyAndFiresOnTime() throws {
        let due = Self.soon(2.5)
        let daemon = try DaemonProcess(config: Self.config(at: due), environment: ["TZ": "UTC"])
        defer { daemon.cleanUp() }
        let ready = daemon.notify.waitFor("READY=1", timeout: 10)
        #expect(ready != nil, "READY=1 within 10 s; stderr: \(daemon.stderr)")
        let status = daemon.notify.waitFor("STATUS=", timeout: 5)
        #expect(status?.assignments["STATUS"]?.hasPrefix("Next: \"Breathe\" at ") == true)

        let fired = daemon.waitForEvent(timeout: 10) { $0["kind"] as? String == "fired" }
        let atText = try #require(fired?["at"] as? String)
        let at = try #require(Self.parse(atText))
        let lateness = at.timeIntervalSince(due)
        #expect(lateness >= 0 && lateness < 0.1, "fired \(lateness) s after its time")
        #expect(daemon.waitForEvent(timeout: 5) { $0["kind"] as? String == "delivered" }?["channel"] as? String == "console")
        #expect(daemon.stdout.contains("Breathe:"))
        #expect(daemon.stdout.contains("gentle reply breathe@"))
    }

    @Test func stopsCleanlyOnSIGTERM() throws {
        let daemon = try DaemonProcess(config: Self.config(at: Self.soon(3600)), environment: ["TZ": "UTC"])
        defer { daemon.cleanUp() }
        #expect(daemon.notify.waitFor("READY=1", timeout: 10) != nil)
        let sent = Date()
        daemon.signal(SIGTERM)
        let code = daemon.waitForExit(timeout: 5)
        #expect(code == 0)
        #expect(Date().timeIntervalSince(sent) < 1.0)
        #expect(daemon.notify.waitFor("STOPPING=1", timeout: 1) != nil)
    }

    @Test func refusesToStartWithABrokenConfig() throws {
        let daemon = try DaemonProcess(config: "max_per_day = \"lots\"\n", environment: ["TZ": "UTC"])
        defer { daemon.cleanUp() }
        let code = daemon.waitForExit(timeout: 10)
        #expect(code == 78, "EX_CONFIG")
        #expect(daemon.stderr.contains("config.toml:1:15:"))
        #expect(daemon.notify.datagrams.allSatisfy { !$0.contains("READY=1") })
    }

    /// A wrong value, and two mistakes toml++ would have aborted the process on (assertions).
    @Test(arguments: [("[[checkin]]\nid = \"breathe\"\ntitle = 5\n", "config.toml:3:9:"),
                      ("[[checkin]]\nid = \"breathe\"\n[,[checkin]]\n", "config.toml:3:2:"),
                      ("[[checkin]]\nid = \"breathe\"\nactions = [\"done\", }\n", "config.toml:3:20:")])
    func aBrokenReloadKeepsTheLastGoodConfig(broken: String, position: String) throws {
        let daemon = try DaemonProcess(config: Self.config(at: Self.soon(3600)), environment: ["TZ": "UTC"])
        defer { daemon.cleanUp() }
        let ready = try #require(daemon.notify.waitFor("READY=1", timeout: 10))
        _ = ready
        try daemon.writeConfig(broken)
        let mark = daemon.notify.datagrams.count
        daemon.signal(SIGHUP)
        let reloading = daemon.notify.waitFor("RELOADING=1", timeout: 5, from: mark)
        #expect(reloading?.assignments["MONOTONIC_USEC"].flatMap(UInt64.init) != nil)
        let status = daemon.notify.waitFor(timeout: 5, from: mark) {
            $0.assignments["STATUS"]?.contains("Config not reloaded") == true
        }
        #expect(status?.assignments["STATUS"]?.contains(position) == true)
        #expect(status?.assignments["STATUS"]?.contains("Next: \"Breathe\"") == true, "still running the old config")
        #expect(daemon.notify.waitFor("READY=1", timeout: 5, from: mark) != nil)
        #expect(daemon.isRunning)

        // A good config, saved the way editors do (temp file renamed over it), applies on its own.
        let renamed = Self.config(title: "Breathe again", at: Self.soon(3600))
        let temp = daemon.configPath + ".swp"
        try renamed.write(toFile: temp, atomically: false, encoding: .utf8)
        let mark2 = daemon.notify.datagrams.count
        #expect(rename(temp, daemon.configPath) == 0)
        let applied = daemon.notify.waitFor(timeout: 5, from: mark2) {
            $0.assignments["STATUS"]?.hasPrefix("Next: \"Breathe again\"") == true
        }
        #expect(applied != nil, "inotify reload; got \(daemon.notify.datagrams[mark2...].map(\.text))")
    }

    @Test func pingsTheWatchdogAtHalfItsInterval() throws {
        let daemon = try DaemonProcess(config: Self.config(at: Self.soon(3600)),
                                       environment: ["TZ": "UTC", "WATCHDOG_USEC": "400000"])
        defer { daemon.cleanUp() }
        #expect(daemon.notify.waitFor("READY=1", timeout: 10) != nil)
        Thread.sleep(forTimeInterval: 1.1)
        let pings = daemon.notify.datagrams.filter { $0.contains("WATCHDOG=1") }
        #expect((4...7).contains(pings.count), "about one every 200 ms, got \(pings.count)")
    }

    @Test func ignoresAWatchdogMeantForAnotherProcess() throws {
        let daemon = try DaemonProcess(config: Self.config(at: Self.soon(3600)),
                                       environment: ["TZ": "UTC", "WATCHDOG_USEC": "200000", "WATCHDOG_PID": "1"])
        defer { daemon.cleanUp() }
        #expect(daemon.notify.waitFor("READY=1", timeout: 10) != nil)
        Thread.sleep(forTimeInterval: 0.6)
        #expect(!daemon.notify.datagrams.contains { $0.contains("WATCHDOG=1") })
    }

    static func parse(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text) ?? ISO8601DateFormatter().date(from: text)
    }
}
