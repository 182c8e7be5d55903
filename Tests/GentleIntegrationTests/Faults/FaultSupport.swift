#if canImport(Glibc)
import Glibc
#endif
import Foundation
import GentleTestSupport

/// What the fault tests need from the machine, found out once: a private mount namespace (for a
/// small tmpfs as the state directory), the immutable attribute (to make an open log unwritable),
/// and a way to make permission bits apply to a daemon started by root.
enum FaultEnvironment {
    static var isRoot: Bool { geteuid() == 0 }

    /// Root, and `unshare` may create a mount namespace here (not in every container).
    static let canUseTmpfsStateDirectory: Bool = {
        guard isRoot, FileManager.default.isExecutableFile(atPath: "/usr/bin/nsenter") else { return false }
        let probe = try? RunResult.run("/usr/bin/unshare", ["--mount", "--propagation", "private", "/bin/sh", "-c",
                                                            "mount -t tmpfs -o size=64k tmpfs /mnt && umount /mnt"])
        return probe?.status == 0
    }()

    /// `chattr +i` works on the temporary directory's file system (root, ext4/xfs/btrfs).
    static let canMakeFilesImmutable: Bool = {
        guard isRoot, FileManager.default.isExecutableFile(atPath: "/usr/bin/chattr"),
              let dir = try? PackagePaths.makeTemporaryDirectory("gentle-chattr") else { return false }
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/probe"
        guard FileManager.default.createFile(atPath: file, contents: Data("x".utf8)) else { return false }
        guard (try? RunResult.run("/usr/bin/chattr", ["+i", file]))?.status == 0 else { return false }
        _ = try? RunResult.run("/usr/bin/chattr", ["-i", file])
        return true
    }()

    /// A launcher under which permission bits bind the daemon: as root, the same uid without
    /// CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH (it keeps owning its temporary files, so nothing
    /// else changes); as anyone else, none. Nil when root cannot drop them here.
    static let permissionBitsApply: [String]? = {
        guard isRoot else { return [] }
        let launcher = ["/usr/bin/setpriv", "--inh-caps=-dac_override,-dac_read_search",
                        "--bounding-set=-dac_override,-dac_read_search", "--"]
        guard FileManager.default.isExecutableFile(atPath: launcher[0]),
              let dir = try? PackagePaths.makeTemporaryDirectory("gentle-setpriv") else { return nil }
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/locked"
        guard FileManager.default.createFile(atPath: file, contents: Data("x".utf8), attributes: [.posixPermissions: 0]),
              let probe = try? RunResult.run(launcher[0], Array(launcher.dropFirst()) + ["/bin/cat", file]) else {
            return nil
        }
        // It must fail for the permission bits, and the daemon's binary must still run that way.
        guard probe.status != 0,
              (try? RunResult.run(launcher[0], Array(launcher.dropFirst()) + [PackagePaths.gentleBinary, "--version"]))?
                  .status == 0 else { return nil }
        return launcher
    }()

    /// Runs the daemon in a mount namespace of its own with a `size` tmpfs mounted at `mountPoint`.
    static func tmpfsLauncher(mountPoint: String, size: String) -> [String] {
        ["/usr/bin/unshare", "--mount", "--propagation", "private", "/bin/sh", "-c",
         "mount -t tmpfs -o size=\(size),mode=0700 gentle-faults \"$0\" || exit 90; exec \"$@\"", mountPoint]
    }

    /// Runs `script` inside the mount namespace of process `pid` (`$1`… are `arguments`).
    static func inNamespace(of pid: Int32, _ script: String, _ arguments: [String] = []) throws -> RunResult {
        try RunResult.run("/usr/bin/nsenter", ["-t", "\(pid)", "-m", "--", "/bin/sh", "-c", script, "sh"] + arguments)
    }
}

/// Configs for the fault tests: check-ins at given moments (UTC wall clock), nothing in the way.
enum FaultConfig {
    struct Checkin {
        var id: String
        var title: String
        /// One or more moments (a `when` list).
        var at: [Date]
        var channels = ["console"]
        var actions: [String]? = nil

        init(id: String, title: String, at: Date..., channels: [String] = ["console"], actions: [String]? = nil) {
            self.id = id
            self.title = title
            self.at = at
            self.channels = channels
            self.actions = actions
        }
    }

    /// `timezone: nil` leaves the key out, so the daemon follows the system's zone.
    static func text(_ checkins: [Checkin], header: String = "", timezone: String? = "UTC") -> String {
        var text = """
            \(timezone.map { "timezone = \"\($0)\"" } ?? "")
            max_per_day = 100000
            min_spacing = "0m"
            \(header)

            """
        for c in checkins {
            text += """

                [[checkin]]
                id = "\(c.id)"
                title = "\(c.title)"
                messages = ["\(c.title): one small thing, gently."]
                when = [\(c.at.map { "\"\(DaemonProcess.utcClock($0))\"" }.joined(separator: ", "))]
                channels = [\(c.channels.map { "\"\($0)\"" }.joined(separator: ", "))]

                """
            if let actions = c.actions {
                text += "actions = [\(actions.map { "\"\($0)\"" }.joined(separator: ", "))]\n"
            }
        }
        return text
    }

    /// A whole second at least `seconds` ahead (the calendar counts whole seconds).
    static func soon(_ seconds: Double) -> Date {
        Date(timeIntervalSince1970: (Date().timeIntervalSince1970 + seconds).rounded(.up))
    }
}

extension NotifySocketListener {
    /// Every `STATUS=` text received from `index` on.
    func statuses(from index: Int = 0) -> [String] {
        let all = datagrams
        guard index < all.count else { return [] }
        return all[index...].compactMap { $0.assignments["STATUS"] }
    }

    var lastStatus: String? { statuses().last }
}

extension DaemonProcess {
    /// The check-in ids of the records of `kind`, in log order.
    func checkins(kind: String) -> [String] { events(kind: kind).compactMap { $0["checkin"] as? String } }

    func occurrences(kind: String) -> [String] { events(kind: kind).compactMap { $0["occurrence"] as? String } }

    /// Whether every line of the log is a complete JSON record (no half-written line anywhere).
    var eventLogIsWhole: Bool {
        let bytes = eventLogBytes
        guard bytes.last == 0x0A || bytes.isEmpty else { return false }
        return bytes.split(separator: 0x0A).allSatisfy {
            (try? JSONSerialization.jsonObject(with: Data($0))) is [String: Any]
        }
    }

    /// `events.jsonl.corrupt-*` files in the state directory (torn tails moved aside).
    var movedAsideFiles: [String] {
        let dir = visiblePath(stateDirectory)
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [])
            .filter { $0.hasPrefix("events.jsonl.corrupt-") }.sorted().map { dir + "/" + $0 }
    }
}

/// Runs blocking `work` (process waits, file polling at high rate) off Swift concurrency's few
/// threads, which other tests running in parallel need.
func offload<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await DesktopSession.offload(work)
}

/// Polls `condition` every `interval` until it holds or `timeout` passes; whether it held. For
/// conditions that read and parse a whole log, gentler on a busy machine than `eventually`.
func poll(within timeout: TimeInterval, every interval: TimeInterval = 0.1, _ condition: () throws -> Bool) async rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while true {
        if try condition() { return true }
        if Date() >= deadline { return false }
        try? await Task.sleep(nanoseconds: UInt64(interval * 1e9))
    }
}
