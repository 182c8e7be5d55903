#if canImport(Glibc)
import Glibc
#endif
import Foundation
import GentleTestSupport
import Testing

/// The config file goes bad under a running `gentle run` — deleted, replaced by a directory or a
/// FIFO, made unreadable, or replaced by 10 MB of something else. Each reload (the file watcher's
/// and SIGHUP's) is refused with the reason in STATUS=, the last good config keeps running (its
/// next check-in still fires), and a good file applies again as soon as it is back.
@Suite struct ConfigFileFaultTests {
    enum Fault: String, CaseIterable, CustomTestStringConvertible {
        case deleted, directory, unreadable, fifo, tenMegabytes

        var testDescription: String { rawValue }

        func apply(to path: String) throws {
            switch self {
            case .deleted:
                try #require(unlink(path) == 0)
            case .directory:
                try #require(unlink(path) == 0)
                try #require(mkdir(path, 0o700) == 0)
            case .unreadable:
                try #require(chmod(path, 0) == 0)
            case .fifo:
                try #require(unlink(path) == 0)
                try #require(mkfifo(path, 0o600) == 0)
            case .tenMegabytes:
                let line = Array("# not a config: a log, an image, a mistake — 10 MB of it\n".utf8)
                var bytes: [UInt8] = []
                bytes.reserveCapacity(10 << 20)
                while bytes.count < 10 << 20 { bytes += line }
                try Data(bytes.prefix(10 << 20)).write(to: URL(fileURLWithPath: path))
            }
        }

        /// Back to a plain file (the good config is written over it afterwards).
        func undo(at path: String) {
            switch self {
            case .directory: rmdir(path)
            case .fifo: unlink(path)
            case .deleted, .unreadable, .tenMegabytes: break
            }
        }

        /// The reason after "Config not reloaded: PATH: ".
        func reason(for path: String) -> String {
            switch self {
            case .deleted:
                return "no such file; create it (config.example.toml is a good start) or pass --config FILE"
            case .directory:
                return "is a directory; pass the config file itself, like \(path)/config.toml"
            case .unreadable:
                return "cannot be read: permission denied; make it readable for your user (chmod 600 \(path))"
            case .fifo:
                return "is not a regular file; point --config at a TOML file"
            case .tenMegabytes:
                return "the file has 10485760 bytes, more than a config may have (4 MiB); check that this is the config file"
            }
        }
    }

    @Test(.enabled(if: FaultEnvironment.permissionBitsApply != nil, "needs setpriv to drop CAP_DAC_OVERRIDE as root"),
          .timeLimit(.minutes(2)), arguments: Fault.allCases)
    func aBrokenConfigFileIsRefusedAndTheLastGoodOneKeepsRunning(fault: Fault) async throws {
        // Under root, permission bits bind the daemon only without CAP_DAC_OVERRIDE.
        let daemon = try DaemonProcess(
            config: FaultConfig.text([FaultConfig.Checkin(id: "later", title: "Later", at: FaultConfig.soon(3600))]),
            environment: ["TZ": "UTC"], launcher: FaultEnvironment.permissionBitsApply ?? [])
        defer {
            fault.undo(at: daemon.configPath)
            daemon.cleanUp()
        }
        #expect(daemon.notify.waitFor("READY=1", timeout: 20) != nil, "stderr: \(daemon.stderr)")
        let path = (daemon.configPath as NSString).standardizingPath

        // The last good config: a check-in a few seconds ahead.
        let due = FaultConfig.soon(6)
        var mark = daemon.notify.datagrams.count
        try daemon.writeConfig(FaultConfig.text([FaultConfig.Checkin(id: "breathe", title: "Breathe", at: due)]))
        #expect(await poll(within: 10) { daemon.notify.statuses(from: mark).contains { $0.hasPrefix("Next: \"Breathe\"") } },
                "STATUS: \(daemon.notify.statuses(from: mark))")

        // The file goes bad: the watcher's reload is refused, and so is SIGHUP's.
        let refusal = "Config not reloaded: \(path): \(fault.reason(for: path)) Still running the last good config."
        mark = daemon.notify.datagrams.count
        try fault.apply(to: daemon.configPath)
        #expect(await poll(within: 10) { daemon.notify.statuses(from: mark).contains { $0.hasPrefix(refusal) } },
                "STATUS: \(daemon.notify.statuses(from: mark)); stderr: \(daemon.stderr)")
        mark = daemon.notify.datagrams.count
        daemon.signal(SIGHUP)
        #expect(await poll(within: 10) {
            daemon.notify.datagrams.dropFirst(mark).contains { $0.contains("RELOADING=1") }
                && daemon.notify.statuses(from: mark).contains { $0.hasPrefix(refusal) }
        }, "SIGHUP: \(daemon.notify.statuses(from: mark))")
        #expect(daemon.notify.lastStatus?.contains("Next: \"Breathe\"") == true)
        #expect(daemon.stderr.contains("config not reloaded"))

        // The last good config still runs: its check-in fires and is delivered.
        let fired = await poll(within: max(10, due.timeIntervalSinceNow + 10)) {
            daemon.checkins(kind: "delivered") == ["breathe"]
        }
        #expect(fired, "stderr: \(daemon.stderr)")
        #expect(daemon.checkins(kind: "fired") == ["breathe"])
        #expect(daemon.isRunning)

        // A good file again: it applies on its own, and the refusal leaves STATUS=.
        fault.undo(at: daemon.configPath)
        mark = daemon.notify.datagrams.count
        let stretchDue = FaultConfig.soon(2)
        try daemon.writeConfig(FaultConfig.text([FaultConfig.Checkin(id: "stretch", title: "Stretch", at: stretchDue)]))
        #expect(await poll(within: 10) { daemon.notify.statuses(from: mark).contains { $0.hasPrefix("Next: \"Stretch\"") } },
                "STATUS: \(daemon.notify.statuses(from: mark)); stderr: \(daemon.stderr)")
        #expect(await poll(within: 15) { daemon.checkins(kind: "delivered") == ["breathe", "stretch"] },
                "stderr: \(daemon.stderr)")
        #expect(daemon.notify.lastStatus?.contains("Config not reloaded") == false)
        #expect(daemon.isRunning)
    }
}
