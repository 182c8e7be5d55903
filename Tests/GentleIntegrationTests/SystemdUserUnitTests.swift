#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import GentleTestSupport

/// gentle as people run it: installed with `gentle install` into a real `systemd --user`, then
/// driven with `systemctl --user` — start, status, reload, a broken reload, a watchdog stall,
/// stop, uninstall. Runs as an unprivileged user (what people have) and as root (where the
/// mount-namespace sandbox options take effect, as they do for everyone on newer systemd).
@Suite(.enabled(if: UserManager.unavailableReason == nil, Comment(rawValue: UserManager.unavailableReason ?? "")))
struct SystemdUserUnitTests {
    static let unit = "gentle.service"

    @Test(arguments: [UserManager.Identity.unprivileged, .root])
    func installedServiceLifecycle(_ identity: UserManager.Identity) async throws {
        let began = Date()
        try await UserManager.with(identity) { manager in
            try await lifecycle(manager, began: began)
        }
    }

    func lifecycle(_ manager: UserManager, began: Date) async throws {
        let identity = manager.identity
        let booted = Date()
        let context = Context(manager: manager)

        // Install: one command, from the freshly built binary.
        let install = try await manager.run([manager.gentleBinary, "install", "--binary", manager.gentleBinary])
        #expect(install.status == 0, "gentle install: \(install.stdout)\(install.stderr)\(context)")
        #expect(install.stdout.contains("enabled and running"))
        #expect(install.stdout.contains("new, from the example"))
        #expect(install.stdout.contains("gentle is running. Next: \""), "the status line: \(install.stdout)")
        #expect(FileManager.default.isExecutableFile(atPath: manager.home + "/.local/bin/gentle"))

        // Active (running) after READY=1, with the STATUS= line in `systemctl status`.
        let first = try await manager.show(Self.unit, ["ActiveState", "SubState", "MainPID", "StatusText", "UnitFileState"])
        #expect(first["ActiveState"] == "active" && first["SubState"] == "running", "\(first)\(context)")
        #expect(first["UnitFileState"] == "enabled")
        #expect(first["StatusText"]?.hasPrefix("Next: \"") == true, "\(first)")
        let status = try await manager.systemctl("status", "--full", Self.unit)
        #expect(status.stdout.contains("Active: active (running)"), "\(status.stdout)")
        #expect(status.stdout.contains("Status: \"Next: \""), "systemctl status shows STATUS=: \(status.stdout)")
        let mainPID = try #require(first["MainPID"].flatMap(Int32.init))

        // The daemon's control object is on the session bus, sandbox and all: `gentle status`
        // from the user's shell reaches it.
        let bus = ["DBUS_SESSION_BUS_ADDRESS": "unix:path=\(manager.runtimeDirectory)/bus"]
        let gentleStatus = try await manager.run([manager.home + "/.local/bin/gentle", "status"], environment: bus)
        #expect(gentleStatus.status == 0 && gentleStatus.stdout.hasPrefix("gentle is running. Next: \""),
                "\(gentleStatus.stdout)\(gentleStatus.stderr)")

        // Reload. The config becomes a symlink into another directory, as dotfile managers make
        // it: the daemon's file watcher sees the link replaced but not edits to its target, so
        // only `systemctl reload` (ExecReload= → SIGHUP) can apply those.
        let target = manager.home + "/dotfiles/gentle.toml"
        let configPath = manager.home + "/.config/gentle/config.toml"
        try await manager.writeFile(target, Self.config(title: "Slow breath"), mode: 0o600)
        #expect(symlink(target, configPath + ".link") == 0)
        lchown(configPath + ".link", identity.uid, identity.uid)
        #expect(rename(configPath + ".link", configPath) == 0)
        #expect(try await context.waitForStatus(prefix: "Next: \"Slow breath\""), "the watcher applied the new link\(context)")

        try await manager.writeFile(target, Self.config(title: "Stretch a little"), mode: 0o600)
        try await Task.sleep(for: .seconds(1))
        #expect(try await context.statusText().hasPrefix("Next: \"Slow breath\""), "an edit behind the link alone changes nothing")
        let reload = try await manager.systemctl("reload", Self.unit)
        #expect(reload.status == 0, "systemctl reload: \(reload.stderr)")
        #expect(try await context.waitForStatus(prefix: "Next: \"Stretch a little\""), "reload applied the edit\(context)")
        #expect(await manager.journal(unit: Self.unit).contains("config reloaded (SIGHUP)"))

        // A broken config on reload: still running the last good one, the error in the status.
        try await manager.writeFile(target, "[[checkin]]\nid = \"breathe\"\ntitle = 5\n", mode: 0o600)
        #expect(try await manager.systemctl("reload", Self.unit).status == 0)
        #expect(try await context.waitForStatus(containing: "Config not reloaded:"), "\(context)")
        let broken = try await manager.show(Self.unit, ["ActiveState", "SubState", "MainPID", "StatusText"])
        #expect(broken["ActiveState"] == "active" && broken["SubState"] == "running")
        #expect(broken["MainPID"] == "\(mainPID)", "the same process kept running")
        #expect(broken["StatusText"]?.contains("config.toml:3:9:") == true, "\(broken)")
        #expect(broken["StatusText"]?.contains("Next: \"Stretch a little\"") == true, "\(broken)")
        let brokenStatus = try await manager.systemctl("status", "--full", Self.unit)
        #expect(brokenStatus.stdout.contains("Config not reloaded:"))
        #expect(brokenStatus.stdout.contains("Active: active (running)"))

        // A watchdog stall: a one-second watchdog from a drop-in (the real one is 60 s), the main
        // process frozen with SIGSTOP; systemd must notice, kill it and start a new one.
        try await manager.writeFile(target, Self.config(title: "Stretch a little"), mode: 0o600)
        #expect(try await manager.systemctl("reload", Self.unit).status == 0)
        #expect(try await context.waitForStatus(prefix: "Next: \"Stretch a little\""))
        try await manager.writeFile(manager.home + "/.config/systemd/user/gentle.service.d/test-watchdog.conf",
                              "[Service]\nWatchdogSec=1\nRestartSec=100ms\nTimeoutAbortSec=3\n")
        #expect(try await manager.systemctl("daemon-reload").status == 0)
        #expect(try await manager.systemctl("restart", Self.unit).status == 0, "restart with the drop-in\(context)")
        let beforeStall = try await manager.show(Self.unit, ["MainPID", "NRestarts", "WatchdogUSec"])
        #expect(beforeStall["WatchdogUSec"] == "1s")
        // kill(0, …) would stop the test's own process group: only a real main process will do.
        let stalled = try #require(beforeStall["MainPID"].flatMap(Int32.init).flatMap { $0 > 1 ? $0 : nil },
                                   "gentle is not running: \(beforeStall)")
        try await Task.sleep(for: .seconds(1.5))
        #expect(try await context.mainPID() == stalled, "a pinging daemon is left alone")
        let stalledAt = Date()
        #expect(kill(stalled, SIGSTOP) == 0)
        let restarted = try await manager.waitUntil(timeout: 20) {
            let now = try manager.show(Self.unit, ["MainPID", "ActiveState", "SubState", "StatusText"])
            return now["ActiveState"] == "active" && now["SubState"] == "running"
                && now["MainPID"] != "\(stalled)" && now["MainPID"] != "0" && now["StatusText"]?.hasPrefix("Next:") == true
        }
        let recovery = Date().timeIntervalSince(stalledAt)
        #expect(restarted, "restarted after the stall\(context)")
        let afterStall = try await manager.show(Self.unit, ["NRestarts"])
        #expect(Int(afterStall["NRestarts"] ?? "") == (Int(beforeStall["NRestarts"] ?? "") ?? 0) + 1)
        let journal = await manager.journal(unit: Self.unit)
        #expect(journal.contains("Watchdog timeout"), "systemd says why it restarted")
        #expect(!journal.contains("State 'stop-watchdog' timed out"),
                "SIGABRT ended the process at once (no crash backtracer holding it until SIGKILL)")
        #expect(kill(stalled, 0) != 0, "the frozen process is gone")

        // Installing again upgrades in place: the unit is unchanged, the config kept, the daemon
        // restarted on the (new) binary.
        let before = try #require(try await context.mainPID())
        let again = try await manager.run([manager.gentleBinary, "install", "--binary", manager.gentleBinary])
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
        #expect(again.stdout.contains("gentle.service  (unchanged)") && again.stdout.contains("(kept yours)"), "\(again.stdout)")
        let upgraded = try await context.mainPID()
        #expect(upgraded != nil && upgraded != before, "restarted by the second install")
        #expect(try await context.statusText().hasPrefix("Next: \"Stretch a little\""))

        // Stop: clean exit, inactive rather than failed.
        let stop = try await manager.systemctl("stop", Self.unit)
        #expect(stop.status == 0)
        let stopped = try await manager.show(Self.unit, ["ActiveState", "SubState", "Result", "ExecMainStatus"])
        #expect(stopped["ActiveState"] == "inactive" && stopped["Result"] == "success", "\(stopped)\(context)")
        #expect(stopped["ExecMainStatus"] == "0")

        // Uninstall: unit and binary gone, config and log kept.
        let uninstall = try await manager.run([manager.home + "/.local/bin/gentle", "uninstall"])
        #expect(uninstall.status == 0, "\(uninstall.stdout)\(uninstall.stderr)")
        #expect(!FileManager.default.fileExists(atPath: manager.home + "/.config/systemd/user/gentle.service"))
        #expect(!FileManager.default.fileExists(atPath: manager.home + "/.local/bin/gentle"))
        #expect(FileManager.default.fileExists(atPath: target), "the config stays")
        #expect(FileManager.default.fileExists(atPath: manager.home + "/.local/state/gentle/events.jsonl"), "the log stays")
        #expect(try await manager.show(Self.unit, ["LoadState"])["LoadState"] == "not-found")

        print("systemd user unit lifecycle (\(identity)): boot \(Self.seconds(booted.timeIntervalSince(began))), "
              + "watchdog stall to running again \(Self.seconds(recovery)), total \(Self.seconds(Date().timeIntervalSince(began)))")
    }

    /// A config that does not load: installed and enabled, not started, and the line to fix.
    @Test func installWithABrokenConfigEnablesButDoesNotStart() async throws {
        try await UserManager.with(.unprivileged) { manager in
            try await manager.writeFile(manager.home + "/.config/gentle/config.toml", "max_per_day = \"lots\"\n", mode: 0o600)
            let install = try await manager.run([manager.gentleBinary, "install", "--binary", manager.gentleBinary])
            #expect(install.status == 1)
            #expect(install.stdout.contains("enabled, not started: the config needs a fix first"), "\(install.stdout)")
            #expect(install.stderr.contains("config.toml:1:15:"), "the exact place: \(install.stderr)")
            let state = try await manager.show(Self.unit, ["ActiveState", "UnitFileState"])
            #expect(state["ActiveState"] == "inactive" && state["UnitFileState"] == "enabled", "\(state)")
        }
    }

    static func config(title: String) -> String {
        let inAnHour = DaemonProcess.utcClock(Date().addingTimeInterval(3600))
        return """
            timezone = "UTC"
            max_per_day = 48
            min_spacing = "0m"

            [[checkin]]
            id = "breathe"
            title = "\(title)"
            messages = ["Take one slow breath."]
            when = "\(inAnHour)"
            channels = ["console"]

            """
    }

    static func seconds(_ interval: TimeInterval) -> String { String(format: "%.1f s", interval) }

    /// Status helpers, and the manager's side of the story for failure messages.
    struct Context: CustomStringConvertible {
        let manager: UserManager

        func statusText() async throws -> String {
            try await manager.show(SystemdUserUnitTests.unit, ["StatusText"])["StatusText"] ?? ""
        }

        func mainPID() async throws -> Int32? {
            try await manager.show(SystemdUserUnitTests.unit, ["MainPID"])["MainPID"].flatMap(Int32.init)
        }

        func waitForStatus(prefix: String) async throws -> Bool {
            try await waitForStatus { $0.hasPrefix(prefix) }
        }

        func waitForStatus(containing text: String) async throws -> Bool {
            try await waitForStatus { $0.contains(text) }
        }

        private func waitForStatus(_ matches: @escaping @Sendable (String) -> Bool) async throws -> Bool {
            let manager = self.manager
            return try await manager.waitUntil(timeout: 10) {
                matches(try manager.show(SystemdUserUnitTests.unit, ["StatusText"])["StatusText"] ?? "")
            }
        }

        /// Blocks briefly (two commands); only read in failure messages.
        var description: String {
            let status = (try? manager.run(["systemctl", "--user", "--no-pager", "status", "--full", "--lines=0",
                                            SystemdUserUnitTests.unit]).stdout) ?? ""
            let journal: String = manager.journal(unit: SystemdUserUnitTests.unit)
            return "\n--- systemctl status:\n\(status)\n--- journal:\n\(journal.suffix(4000))"
        }
    }
}
