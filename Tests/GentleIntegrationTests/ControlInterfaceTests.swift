import Foundation
import Testing
import GentleTestSupport

/// The daemon's own D-Bus object and the commands built on it, on a private session bus.
@Suite(.serialized) struct ControlInterfaceTests {
    static let config = """
        timezone = "UTC"
        max_per_day = 48
        min_spacing = "0m"

        [[checkin]]
        id = "breathe"
        title = "Breathe"
        messages = ["Take one slow breath."]
        when = "03:00"
        channels = ["console"]
        actions = ["done", "not-now", "snooze:30m"]
        ask = "What helped?"
        """

    func gentle(_ arguments: [String], _ daemon: DaemonProcess, bus: String?) throws -> RunResult {
        try RunResult.run(PackagePaths.gentleBinary, arguments, environment: [
            "HOME": daemon.home, "DBUS_SESSION_BUS_ADDRESS": bus, "XDG_RUNTIME_DIR": nil,
            "XDG_CONFIG_HOME": nil, "XDG_STATE_HOME": nil, "TZ": "UTC",
        ])
    }

    @Test func commandsReachTheRunningDaemon() throws {
        let session = try DesktopSession(.busOnly)
        defer { session.tearDown() }
        let daemon = try DaemonProcess(config: Self.config, environment: [
            "TZ": "UTC", "DBUS_SESSION_BUS_ADDRESS": session.busAddress,
        ])
        defer { daemon.cleanUp() }
        #expect(daemon.notify.waitFor("READY=1", timeout: 10) != nil)
        // The name is taken asynchronously after READY; wait until status answers.
        var status = try gentle(["status"], daemon, bus: session.busAddress)
        let deadline = Date().addingTimeInterval(10)
        while status.status != 0 && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.1)
            status = try gentle(["status"], daemon, bus: session.busAddress)
        }
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.contains("gentle is running. Next: \"Breathe\" at "))

        let fire = try gentle(["fire", "breathe"], daemon, bus: session.busAddress)
        #expect(fire.status == 0, "\(fire.stderr)")
        #expect(fire.stdout.hasPrefix("Delivered breathe@"))
        #expect(daemon.waitForEvent(timeout: 5) { $0["kind"] as? String == "delivered" } != nil)

        let reply = try gentle(["reply", "--last", "done", "we", "read", "a", "book"], daemon, bus: session.busAddress)
        #expect(reply.status == 0, "\(reply.stderr)")
        let recorded = daemon.waitForEvent(timeout: 5) { $0["kind"] as? String == "reply" }
        #expect(recorded?["note"] as? String == "we read a book")
        #expect(recorded?["action"] as? String == "done")
        #expect(recorded?["channel"] as? String == "cli")
        #expect(recorded?["occurrence"] as? String == fire.stdout.dropFirst("Delivered ".count).dropLast(2).description)

        let shown = try gentle(["status"], daemon, bus: session.busAddress)
        #expect(shown.stdout.contains("Recent replies:"))
        #expect(shown.stdout.contains("breathe  done — \"we read a book\""))

        // Untrusted arguments: an action the check-in does not offer, a made-up occurrence.
        let refused = try gentle(["reply", "--last", "took-it"], daemon, bus: session.busAddress)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("not a reply this check-in offers"))
        let bogus = try gentle(["reply", "nope@yesterday", "done"], daemon, bus: session.busAddress)
        #expect(bogus.status == 1)
        #expect(bogus.stderr.contains("is not an occurrence id"))
        let unknown = try gentle(["fire", "nobody"], daemon, bus: session.busAddress)
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("no check-in \"nobody\""))

        let pause = try gentle(["pause", "2h"], daemon, bus: session.busAddress)
        #expect(pause.status == 0)
        #expect(pause.stdout.hasPrefix("Paused until "))
        #expect(daemon.notify.waitFor(timeout: 5) { $0.assignments["STATUS"]?.hasPrefix("Paused until") == true } != nil)
        #expect(try gentle(["resume"], daemon, bus: session.busAddress).status == 0)
        #expect(daemon.waitForEvent(timeout: 5) { $0["kind"] as? String == "resumed" } != nil)

        let snooze = try gentle(["snooze", "--last", "30m"], daemon, bus: session.busAddress)
        #expect(snooze.status == 0, "\(snooze.stderr)")
        #expect(daemon.waitForEvent(timeout: 5) { $0["kind"] as? String == "snoozed" }?["until"] != nil)

        try daemon.writeConfig("max_per_day = \"six\"\n")
        let reload = try gentle(["reload"], daemon, bus: session.busAddress)
        #expect(reload.status == 1)
        #expect(reload.stderr.contains("config.toml:1:15:"))
        #expect(daemon.isRunning)

        // Introspection answers for the object, with our interface in it.
        let introspect = try RunResult.run("/usr/bin/dbus-send", [
            "--session", "--print-reply", "--dest=io.github.gentle", "/io/github/gentle",
            "org.freedesktop.DBus.Introspectable.Introspect",
        ], environment: ["DBUS_SESSION_BUS_ADDRESS": session.busAddress])
        #expect(introspect.stdout.contains("interface name=\"io.github.gentle.Control1\""))
        #expect(introspect.stdout.contains("method name=\"FireNow\""))
    }

    @Test func withoutADaemonReplyIsKeptAndTheRestSaySo() throws {
        let session = try DesktopSession(.busOnly)
        defer { session.tearDown() }
        let daemon = try DaemonProcess(config: Self.config, environment: ["TZ": "UTC"])
        defer { daemon.cleanUp() }
        #expect(daemon.notify.waitFor("READY=1", timeout: 10) != nil)
        #expect(try gentle(["fire", "breathe"], daemon, bus: nil).status == 3, "no bus: not reachable")
        // Give the daemon one fire through its own rules, then stop it.
        daemon.signal(SIGTERM)
        _ = daemon.waitForExit(timeout: 5)
        try """
            {"v":1,"kind":"fired","at":"2026-11-27T03:00:00.000Z","occurrence":"breathe@2026-11-27T03:00:00Z","checkin":"breathe","scheduled":"2026-11-27T03:00:00Z"}

            """.write(toFile: daemon.eventLogPath, atomically: false, encoding: .utf8)

        let status = try gentle(["status"], daemon, bus: session.busAddress)
        #expect(status.status == 3)
        #expect(status.stdout.contains("gentle is not running. Start it with: systemctl --user start gentle"))
        let pause = try gentle(["pause", "2h"], daemon, bus: session.busAddress)
        #expect(pause.status == 3)
        #expect(pause.stderr.contains("gentle is not running; start it with: systemctl --user start gentle"))

        let reply = try gentle(["reply", "--last", "done", "we read a book"], daemon, bus: session.busAddress)
        #expect(reply.status == 0, "\(reply.stderr)")
        #expect(reply.stdout.contains("it will take this into account when it starts"))
        let kept = daemon.events(kind: "reply").first
        #expect(kept?["note"] as? String == "we read a book")
        #expect(kept?["occurrence"] as? String == "breathe@2026-11-27T03:00:00Z")
        let wrong = try gentle(["reply", "--last", "took-it"], daemon, bus: session.busAddress)
        #expect(wrong.status == 1)
        #expect(wrong.stderr.contains("use one of: done, not-now, snooze:30m"))
    }
}
