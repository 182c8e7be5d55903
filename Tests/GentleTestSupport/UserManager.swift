#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A real `systemd --user` for one test, booted in a private mount namespace (PID 1 here is not
/// systemd, so the manager needs its own /run): `unshare --mount --propagation private` runs a
/// boot script that gives the manager its own cgroup, a tmpfs on /run with /run/systemd/system,
/// /run/user/UID as XDG_RUNTIME_DIR and a journald of its own, then execs
/// `/lib/systemd/systemd --user`. Commands run inside with `nsenter -t PID -m`, as the
/// manager's user.
///
/// Two identities: `.unprivileged` (uid 65534, what a real user has — on systemd 252 the
/// namespace-based sandbox options are skipped there, the seccomp ones apply) and `.root`
/// (the namespace-based options apply too, as they do on newer systemd for everyone).
///
/// HOME lives under the package's `.build/`, not /tmp: the unit's PrivateTmp= would hide it
/// (for a package checked out under /tmp or /var/tmp, under /var/lib instead; see `homesDirectory`).
/// `stop()` (also run by deinit) kills every process in the manager's cgroup (the boot script
/// moves itself there first, so journald, the manager and every unit are in it) and removes the
/// cgroup and the directory.
public final class UserManager: @unchecked Sendable {
    public enum Identity: Sendable, CustomStringConvertible {
        case unprivileged
        case root

        public var uid: UInt32 { self == .root ? 0 : 65534 }
        public var description: String { self == .root ? "root" : "unprivileged" }
    }

    public let identity: Identity
    public let base: String
    public let home: String
    /// A copy of the gentle binary the manager's user can run: SwiftPM makes the build
    /// directory readable by its owner's group only, so uid 65534 cannot reach `.build/debug`.
    public let gentleBinary: String
    public var runtimeDirectory: String { "/run/user/\(identity.uid)" }
    private let process = Process()
    private let cgroupName: String
    private let logPath: String
    private var stopped = false
    private let lock = NSLock()

    /// Boots a manager and waits until it reports `running` (or `degraded`).
    public init(_ identity: Identity, timeout: TimeInterval = 30) throws {
        self.identity = identity
        Self.sweepAbandonedCgroups()
        let homes = Self.homesDirectory
        try FileManager.default.createDirectory(atPath: homes, withIntermediateDirectories: true)
        chmod(homes, 0o755)
        base = try Self.makeDirectory(in: homes, label: "\(identity)")
        home = base + "/home"
        gentleBinary = base + "/gentle"
        logPath = base + "/boot.log"
        cgroupName = "gentle-usermgr-\(getpid())-\((base as NSString).lastPathComponent).slice"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        // The unprivileged user must be able to reach its home under .build/.
        chmod(base, 0o755)
        chown(home, identity.uid, identity.uid)
        try FileManager.default.copyItem(atPath: PackagePaths.gentleBinary, toPath: gentleBinary)
        chmod(gentleBinary, 0o755)
        let script = base + "/boot.sh"
        try Self.bootScript.write(toFile: script, atomically: true, encoding: .utf8)
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)

        process.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
        process.arguments = ["--mount", "--propagation", "private", "/bin/sh", script,
                             "\(identity.uid)", cgroupName, home]
        process.environment = ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8"]
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        do {
            try waitUntilRunning(timeout: timeout)
        } catch {
            stop()
            throw error
        }
    }

    deinit { stop() }

    /// Where the managers' homes go: the package's `.build/`, unless the package itself is in a
    /// directory the unit's PrivateTmp= replaces (a clone in /tmp), where the unit would find an
    /// empty home. Root runs these tests, so /var/lib is writable.
    static var homesDirectory: String {
        let root = URL(fileURLWithPath: PackagePaths.root).resolvingSymlinksInPath().path
        if root.hasPrefix("/tmp/") || root.hasPrefix("/var/tmp/") { return "/var/lib/gentle-usermgr-tests" }
        return PackagePaths.root + "/.build/usermgr-tests"
    }

    /// Boots a manager, runs `body` with it and always stops it, even when `body` throws.
    /// Booting, stopping and every command block; tests call them through `blocking` so the few
    /// threads Swift concurrency has stay free for the tests running beside them.
    public static func with<T: Sendable>(_ identity: Identity, _ body: (UserManager) async throws -> T) async throws -> T {
        let manager = try await blocking { try UserManager(identity) }
        do {
            let result = try await body(manager)
            await blocking { manager.stop() }
            return result
        } catch {
            await blocking { manager.stop() }
            throw error
        }
    }

    /// Runs blocking `work` on a Dispatch thread of its own and awaits it.
    public static func blocking<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue(label: "gentle.test.user-manager").async {
                do { continuation.resume(returning: try work()) } catch { continuation.resume(throwing: error) }
            }
        }
    }

    public static func blocking<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue(label: "gentle.test.user-manager").async { continuation.resume(returning: work()) }
        }
    }

    /// The manager's PID (unshare execs the script, which execs systemd).
    public var pid: Int32 { process.processIdentifier }

    /// Why this machine cannot run these tests (not root, no unshare, no systemd), or nil.
    public static let unavailableReason: String? = findUnavailableReason()

    private static func findUnavailableReason() -> String? {
        if getuid() != 0 { return "needs root to unshare a mount namespace" }
        for tool in ["/usr/bin/unshare", "/usr/bin/nsenter", "/lib/systemd/systemd", "/usr/bin/setpriv"]
        where !FileManager.default.isExecutableFile(atPath: tool) {
            return "\(tool) is missing (apt-get install systemd util-linux)"
        }
        guard let probe = try? RunResult.run("/usr/bin/unshare", ["--mount", "--propagation", "private", "/bin/true"]),
              probe.status == 0 else {
            return "unshare --mount is not permitted here (a container without CAP_SYS_ADMIN?)"
        }
        return nil
    }

    /// Runs `arguments` inside the manager's mount namespace as its user, with a clean
    /// environment: HOME, XDG_RUNTIME_DIR, PATH, TZ=UTC, plus `environment`.
    public func run(_ arguments: [String], environment: [String: String] = [:]) throws -> RunResult {
        var env = ["PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": home, "XDG_RUNTIME_DIR": runtimeDirectory,
                   "LANG": "C.UTF-8", "TZ": "UTC", "COLUMNS": "400", "SYSTEMD_COLORS": "0"]
        for (key, value) in environment { env[key] = value }
        var command = ["-t", "\(pid)", "-m"]
        if identity != .root {
            command += ["/usr/bin/setpriv", "--reuid=\(identity.uid)", "--regid=\(identity.uid)", "--clear-groups"]
        }
        command += ["/usr/bin/env", "-i"] + env.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" } + arguments
        return try RunResult.run("/usr/bin/nsenter", command, environment: [:])
    }

    /// `systemctl --user --no-pager ARGS`.
    @discardableResult
    public func systemctl(_ arguments: String...) throws -> RunResult {
        try run(["systemctl", "--user", "--no-pager"] + arguments)
    }

    /// `systemctl --user show` properties of `unit` as a dictionary.
    public func show(_ unit: String, _ properties: [String]) throws -> [String: String] {
        let result = try run(["systemctl", "--user", "show", unit] + properties.map { "--property=\($0)" })
        var values: [String: String] = [:]
        for line in result.stdout.split(separator: "\n") {
            guard let eq = line.firstIndex(of: "=") else { continue }
            values[String(line[..<eq])] = String(line[line.index(after: eq)...])
        }
        return values
    }

    /// Polls `condition` every 50 ms until it holds or `timeout` passes; returns whether it held.
    @discardableResult
    public func waitUntil(timeout: TimeInterval, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        repeat {
            if try condition() { return true }
            usleep(50_000)
        } while Date() < deadline
        return try condition()
    }

    /// The journal lines about `unit`: what the service wrote and what the manager said about it
    /// (the manager logs to the journal, and the cgroup layout lets journald name user units).
    public func journal(unit: String) -> String {
        let result = try? RunResult.run("/usr/bin/nsenter", ["-t", "\(pid)", "-m", "journalctl", "-D", "/run/log/journal",
                                                             "--no-pager", "-o", "cat", "_SYSTEMD_USER_UNIT=\(unit)", "+",
                                                             "USER_UNIT=\(unit)"])
        return result?.stdout ?? ""
    }

    /// Writes a file as the manager's user would (owned by it, mode `mode`), creating directories.
    public func writeFile(_ path: String, _ contents: String, mode: mode_t = 0o644) throws {
        let directory = (path as NSString).deletingLastPathComponent
        var missing: [String] = []
        var walk = directory
        while !FileManager.default.fileExists(atPath: walk) && walk.hasPrefix(home) {
            missing.append(walk)
            walk = (walk as NSString).deletingLastPathComponent
        }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for created in missing { chown(created, identity.uid, identity.uid) }
        try contents.write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, mode)
        chown(path, identity.uid, identity.uid)
    }

    /// What the boot script and the manager printed (little: the manager logs to its journal).
    public var bootLog: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Kills the manager and everything it started, removes its cgroup and directory. Safe twice.
    public func stop() {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped else { return }
        stopped = true
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        for _ in 0..<100 {
            let victims = Self.processes(inCgroup: cgroupName)
            if victims.isEmpty && !process.isRunning { break }
            for victim in victims { kill(victim, SIGKILL) }
            usleep(20_000)
        }
        if process.processIdentifier > 0 { process.waitUntilExit() }
        Self.removeCgroup(cgroupName)
        try? FileManager.default.removeItem(atPath: base)
    }

    private func waitUntilRunning(timeout: TimeInterval) throws {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            guard process.isRunning else {
                throw UserManagerError("systemd --user exited with status \(process.terminationStatus): \(bootLog)")
            }
            if FileManager.default.fileExists(atPath: "/proc/\(pid)/ns/mnt"),
               let state = try? run(["systemctl", "--user", "is-system-running"]) {
                last = (state.stdout + state.stderr).trimmingCharacters(in: .whitespacesAndNewlines)
                if last == "running" || last == "degraded" { return }
            }
            usleep(50_000)
        }
        throw UserManagerError("systemd --user did not come up within \(Int(timeout)) s (last state: \(last)); boot log: \(bootLog)")
    }

    // MARK: cgroups

    /// The cgroup hierarchies systemd uses here: the unified one alone (cgroup v2), or the
    /// named `systemd` one plus the unified one (hybrid).
    static var hierarchies: [String] {
        if FileManager.default.fileExists(atPath: "/sys/fs/cgroup/cgroup.controllers") { return ["/sys/fs/cgroup"] }
        return ["/sys/fs/cgroup/systemd", "/sys/fs/cgroup/unified"].filter { FileManager.default.fileExists(atPath: $0) }
    }

    static func processes(inCgroup name: String) -> [Int32] {
        var found: [Int32] = []
        for root in hierarchies {
            guard let walker = FileManager.default.enumerator(atPath: root + "/" + name) else { continue }
            var files = ["cgroup.procs"]
            while let entry = walker.nextObject() as? String {
                if (entry as NSString).lastPathComponent == "cgroup.procs" { files.append(entry) }
            }
            for file in Set(files) {
                let text = (try? String(contentsOfFile: root + "/" + name + "/" + file, encoding: .utf8)) ?? ""
                found += text.split(separator: "\n").compactMap { Int32($0) }
            }
        }
        return Array(Set(found))
    }

    static func removeCgroup(_ name: String) {
        for root in hierarchies {
            let top = root + "/" + name
            guard let walker = FileManager.default.enumerator(atPath: top) else { continue }
            var directories: [String] = []
            while let entry = walker.nextObject() as? String {
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: top + "/" + entry, isDirectory: &isDirectory), isDirectory.boolValue {
                    directories.append(top + "/" + entry)
                }
            }
            // Deepest first: a cgroup can only be removed once its children are.
            for directory in directories.sorted(by: { $0.count > $1.count }) { rmdir(directory) }
            rmdir(top)
        }
    }

    /// Cgroups left by a test process that died before its cleanup ran (crash, SIGKILL):
    /// their processes are killed and the cgroups removed.
    static func sweepAbandonedCgroups() {
        var names = Set<String>()
        for root in hierarchies {
            for entry in (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
            where entry.hasPrefix("gentle-usermgr-") && entry.hasSuffix(".slice") {
                names.insert(entry)
            }
        }
        for name in names {
            // gentle-usermgr-OWNERPID-LABEL.slice
            let parts = name.split(separator: "-")
            guard parts.count >= 3, let owner = Int32(parts[2]), kill(owner, 0) != 0 else { continue }
            for _ in 0..<20 {
                let victims = processes(inCgroup: name)
                if victims.isEmpty { break }
                for victim in victims { kill(victim, SIGKILL) }
                usleep(20_000)
            }
            removeCgroup(name)
        }
    }

    private static func makeDirectory(in parent: String, label: String) throws -> String {
        var bytes = Array((parent + "/\(label).XXXXXX").utf8CString)
        let made: String? = bytes.withUnsafeMutableBufferPointer { buffer in
            guard let start = buffer.baseAddress, mkdtemp(start) != nil else { return nil }
            return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        guard let made else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        return made
    }

    /// Runs as root inside the new mount namespace: `boot.sh UID CGROUP HOME`.
    static let bootScript = """
        #!/bin/sh
        set -eu
        U=$1; CG=$2; H=$3
        # A cgroup of its own, delegated to the user and laid out like a real one
        # (SLICE/user@UID.service): concurrent managers do not share one, stop() finds every
        # process it started, and journald can tell which user unit wrote what.
        if [ -e /sys/fs/cgroup/cgroup.controllers ]; then roots=/sys/fs/cgroup
        else roots="/sys/fs/cgroup/systemd /sys/fs/cgroup/unified"; fi
        for r in $roots; do
            [ -d "$r" ] || continue
            mkdir -p "$r/$CG/user@$U.service"
            [ "$U" = 0 ] || chown -R "$U:$U" "$r/$CG/user@$U.service"
            echo $$ > "$r/$CG/user@$U.service/cgroup.procs"
        done
        mount -t tmpfs -o mode=755 tmpfs /run
        mkdir -p /run/systemd/system /run/systemd/journald.conf.d "/run/user/$U"
        chown "$U:$U" "/run/user/$U"; chmod 700 "/run/user/$U"
        # What PID 1 provides on a real system: the nodes sandboxed units get to hide paths.
        I=/run/systemd/inaccessible
        # (Device nodes need CAP_MKNOD, which some containers lack; the others are enough there.)
        mkdir -p $I; touch $I/reg; mkdir $I/dir; mkfifo $I/fifo
        mknod $I/chr c 0 0 2>/dev/null || true; mknod $I/blk b 0 0 2>/dev/null || true
        python3 -c 'import os, stat, sys; os.mknod(sys.argv[1], stat.S_IFSOCK)' $I/sock
        chmod 0000 $I/*
        # A journald for this namespace only, in memory.
        printf '[Journal]\\nStorage=volatile\\n' > /run/systemd/journald.conf.d/gentle-test.conf
        /lib/systemd/systemd-journald </dev/null >/dev/null 2>&1 &
        i=0; while [ ! -S /run/systemd/journal/socket ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done
        export HOME="$H" XDG_RUNTIME_DIR="/run/user/$U" TZ=UTC LANG=C.UTF-8
        if [ "$U" = 0 ]; then exec /lib/systemd/systemd --user --log-target=journal; fi
        exec /usr/bin/setpriv --reuid="$U" --regid="$U" --clear-groups /lib/systemd/systemd --user --log-target=journal
        """
}

public struct UserManagerError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// The same calls for async tests: each runs on a thread of its own (see `blocking`).
extension UserManager {
    public func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> RunResult {
        try await Self.blocking { try self.run(arguments, environment: environment) }
    }

    @discardableResult
    public func systemctl(_ arguments: String...) async throws -> RunResult {
        try await run(["systemctl", "--user", "--no-pager"] + arguments)
    }

    public func show(_ unit: String, _ properties: [String]) async throws -> [String: String] {
        try await Self.blocking { try self.show(unit, properties) }
    }

    public func waitUntil(timeout: TimeInterval, _ condition: @escaping @Sendable () throws -> Bool) async throws -> Bool {
        try await Self.blocking { try self.waitUntil(timeout: timeout, condition) }
    }

    public func journal(unit: String) async -> String {
        await Self.blocking { self.journal(unit: unit) }
    }

    public func writeFile(_ path: String, _ contents: String, mode: mode_t = 0o644) async throws {
        try await Self.blocking { try self.writeFile(path, contents, mode: mode) }
    }
}
