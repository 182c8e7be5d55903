import Foundation

/// A helper program a test owns (dbus-daemon, Xvfb, dunst): started with a given environment,
/// stdout optionally captured line by line, stopped for sure (TERM, then KILL) at teardown.
///
/// Spawned with `posix_spawn` rather than `Process`: tests run on Dispatch worker threads, which
/// block nearly every signal, and a child inherits that mask — a dbus-daemon started that way
/// ignores SIGTERM. Here the child gets an empty mask, default handlers and its own process
/// group (so stopping it also stops whatever it started, e.g. dunst's menu script).
public final class SessionProcess: @unchecked Sendable {
    public let name: String
    public let pid: pid_t
    private let lock = NSLock()
    private var exitStatus: Int32?
    private var stdoutFD: Int32 = -1
    private var buffered = Data()

    public struct SpawnError: Error, CustomStringConvertible {
        public var program: String
        public var errno: Int32
        public var description: String { "cannot start \(program): \(String(cString: strerror(errno)))" }
    }

    /// Starts `path` with `arguments`. `environment` replaces the inherited one entirely, so a
    /// helper never sees the developer's real session bus or display. stderr (and stdout unless
    /// captured) go to `logPath`.
    public init(_ path: String, _ arguments: [String], environment: [String: String], logPath: String,
                captureStdout: Bool = false) throws {
        name = (path as NSString).lastPathComponent
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }

        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD, SIGUSR1, SIGUSR2, SIGALRM] {
            sigaddset(&defaults, signal)
        }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        var pipeFDs: [Int32] = [-1, -1]
        if captureStdout {
            // Close-on-exec: tests spawn in parallel and must not leak this pipe into other children.
            guard pipe(&pipeFDs) == 0 else { throw SpawnError(program: path, errno: errno) }
            _ = fcntl(pipeFDs[0], F_SETFD, FD_CLOEXEC)
            _ = fcntl(pipeFDs[1], F_SETFD, FD_CLOEXEC)
            posix_spawn_file_actions_adddup2(&actions, pipeFDs[1], 1)
        } else {
            posix_spawn_file_actions_adddup2(&actions, 2, 1)
        }

        // Nothing else this test process has open (other tests' pipes, files being written)
        // may leak into a long-lived helper.
        if let closeFrom = SessionProcess.addCloseFrom { _ = closeFrom(&actions, 3) }

        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var child: pid_t = 0
        let result = posix_spawn(&child, path, &actions, &attributes, argv, envp)
        if captureStdout { close(pipeFDs[1]) }
        guard result == 0 else {
            if captureStdout { close(pipeFDs[0]) }
            throw SpawnError(program: path, errno: result)
        }
        pid = child
        stdoutFD = captureStdout ? pipeFDs[0] : -1
    }

    /// glibc ≥ 2.34's `posix_spawn_file_actions_addclosefrom_np`, which Swift's Glibc module
    /// does not surface; looked up at run time.
    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private static let addCloseFrom: AddCloseFrom? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else {
            return nil
        }
        return unsafeBitCast(symbol, to: AddCloseFrom.self)
    }()

    deinit {
        stop()
        if stdoutFD >= 0 { close(stdoutFD) }
    }

    /// Whether the program is still running (it is reaped here once it has exited).
    public var isRunning: Bool {
        lock.lock()
        defer { lock.unlock() }
        guard exitStatus == nil else { return false }
        var status: Int32 = 0
        let r = waitpid(pid, &status, WNOHANG)
        if r == pid || (r < 0 && errno == ECHILD) {
            exitStatus = status
            return false
        }
        return true
    }

    /// The next line the program printed, waiting at most `timeout` seconds; nil on timeout or
    /// when the program closed its stdout (it exited).
    public func readLine(timeout: TimeInterval) -> String? {
        guard stdoutFD >= 0 else { return nil }
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let newline = buffered.firstIndex(of: 0x0A) {
                let line = String(decoding: buffered[buffered.startIndex..<newline], as: UTF8.self)
                buffered.removeSubrange(buffered.startIndex...newline)
                return line
            }
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else { return nil }
            var pfd = pollfd(fd: stdoutFD, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, Int32(min(remaining * 1000, 1000)) + 1)
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { continue }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = read(stdoutFD, &chunk, chunk.count)
            if count <= 0 { return nil }
            buffered.append(contentsOf: chunk[0..<count])
        }
    }

    /// Sends `signal` to the program's process group and waits up to `timeout` for it to exit.
    @discardableResult
    public func signal(_ signal: Int32, waitUpTo timeout: TimeInterval) -> Bool {
        guard isRunning else { return true }
        kill(-pid, signal)
        let deadline = Date().addingTimeInterval(timeout)
        while isRunning && Date() < deadline { usleep(5_000) }
        return !isRunning
    }

    /// TERM, then KILL if it lingers; always returns with the process gone and reaped.
    public func stop() {
        guard isRunning else { return }
        if !signal(SIGTERM, waitUpTo: 3) {
            signal(SIGKILL, waitUpTo: 5)
        }
    }
}
