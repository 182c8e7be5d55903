import Foundation

/// A private desktop for one test: its own `dbus-daemon` session bus, an `Xvfb` display on a free
/// number, and a real `dunst` with a private dunstrc. Nothing touches the developer's session.
///
/// dunst only shows action buttons through its context menu, which runs the `dmenu` command from
/// dunstrc. Ours is a small script that logs the menu it was offered and picks the line containing
/// the `[ID,KEY]` written to `menu-pick`, so `invokeAction(id:key:)` can press any button.
///
/// Use `DesktopSession.with { session in … }` (or call `tearDown()`): it stops every process and
/// removes the directory even when the test throws.
public final class DesktopSession: @unchecked Sendable {
    public struct Options: Sendable {
        /// Start dunst right away (otherwise call `startDunst()`).
        public var startDunst = true
        /// Let the bus start dunst on demand (D-Bus activation) instead of starting it ourselves.
        public var activatableDunst = false
        /// dunst's default timeout (seconds) for notifications that leave it to the server.
        public var defaultTimeout = 0
        /// Start Xvfb; without it (bus-only tests) dunst cannot run.
        public var display = true
        public init(startDunst: Bool = true, activatableDunst: Bool = false, defaultTimeout: Int = 0,
                    display: Bool = true) {
            self.startDunst = startDunst && display
            self.activatableDunst = activatableDunst
            self.defaultTimeout = defaultTimeout
            self.display = display
        }

        /// Just a private bus: no display, no notification server.
        public static let busOnly = Options(startDunst: false, display: false)
    }

    public enum Failure: Error, CustomStringConvertible {
        case timeout(String)
        case command(String, RunResult)
        case missingTool(String)

        public var description: String {
            switch self {
            case .timeout(let what): return "timed out waiting for \(what)"
            case let .command(what, result): return "\(what) exited \(result.status): \(result.stderr)\(result.stdout)"
            case .missingTool(let tool): return "\(tool) is not installed (run `make test-deps`)"
            }
        }
    }

    /// One line of dunst's context menu: `#Did it (Breathe) [3,done]`.
    public struct MenuEntry: Sendable, Equatable {
        public var id: UInt32
        public var key: String
        /// Button text followed by the summary in parentheses, as dunst shows it.
        public var text: String
    }

    public let directory: String
    public let busSocket: String
    public private(set) var busAddress = ""
    public private(set) var display = ""
    public let options: Options
    private var bus: SessionProcess?
    private var xvfb: SessionProcess?
    var dunst: SessionProcess?
    private var tornDown = false

    public static let tools = ["/usr/bin/dbus-daemon", "/usr/bin/dbus-send", "/usr/bin/Xvfb", "/usr/bin/dunst",
                               "/usr/bin/dunstctl", "/usr/bin/busctl", "/usr/bin/xwd"]

    public init(_ options: Options = Options()) throws {
        for tool in Self.tools where !FileManager.default.isExecutableFile(atPath: tool) {
            throw Failure.missingTool(tool)
        }
        self.options = options
        _ = Self.sweptAbandonedSessions
        directory = try PackagePaths.makeTemporaryDirectory("gentle-desktop")
        busSocket = directory + "/bus"
        noteOwner()
        do {
            try writeConfiguration()
            if options.display { try startXvfb() }
            try startBusNow()
            if options.startDunst && !options.activatableDunst { try startDunstNow() }
        } catch {
            tearDown()
            throw error
        }
    }

    deinit { tearDown() }

    /// Runs `body` with a fresh session and always tears it down. Starting and stopping programs
    /// blocks, so it happens on a thread of its own, never on the test's (Swift concurrency's
    /// few threads must stay free, or every other test running in parallel stalls).
    public static func with<T>(_ options: Options = Options(), _ body: (DesktopSession) async throws -> T) async throws -> T {
        let session = try await offload { try DesktopSession(options) }
        do {
            let result = try await body(session)
            await session.tearDownAsync()
            return result
        } catch {
            await session.tearDownAsync()
            throw error
        }
    }

    public func tearDownAsync() async {
        _ = try? await DesktopSession.offload { self.tearDown() }
    }

    /// Runs blocking `work` on a fresh Dispatch thread and awaits it.
    public static func offload<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue(label: "gentle.test.desktop-session").async {
                do { continuation.resume(returning: try work()) } catch { continuation.resume(throwing: error) }
            }
        }
    }

    /// The environment every helper program gets: only this session's bus and display.
    public var environment: [String: String] {
        var env = [
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "HOME": directory,
            "XDG_RUNTIME_DIR": directory,
            "XDG_CONFIG_HOME": directory + "/config",
            "XDG_DATA_HOME": directory + "/data",
            "DBUS_SESSION_BUS_ADDRESS": busAddress,
            "DISPLAY": display,
            "LANG": "C.UTF-8",
        ]
        if display.isEmpty { env["DISPLAY"] = nil }
        return env
    }

    // MARK: Setup

    private func writeConfiguration() throws {
        let serviceDirectory = directory + "/services"
        try FileManager.default.createDirectory(atPath: serviceDirectory, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: directory + "/config", withIntermediateDirectories: true)
        // Our own bus config: no system service directories, so nothing on this machine gets
        // D-Bus-activated behind the test's back (Debian's dunst is activatable).
        let busConfig = """
            <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
             "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
            <busconfig>
              <type>session</type>
              <listen>unix:path=\(busSocket)</listen>
              <auth>EXTERNAL</auth>
              <servicedir>\(serviceDirectory)</servicedir>
              <policy context="default">
                <allow send_destination="*" eavesdrop="true"/>
                <allow eavesdrop="true"/>
                <allow own="*"/>
              </policy>
            </busconfig>
            """
        try busConfig.write(toFile: directory + "/bus.conf", atomically: true, encoding: .utf8)

        let menuScript = """
            #!/bin/sh
            # dmenu stand-in for dunst's context menu: log the offered lines, pick the one that
            # contains the text in menu-pick (if any), then mark that the menu ran.
            dir='\(directory)'
            input=$(cat)
            printf '%s\\n' "$input" > "$dir/menu-offered.tmp" && mv "$dir/menu-offered.tmp" "$dir/menu-offered"
            pick=$(cat "$dir/menu-pick" 2>/dev/null)
            if [ -n "$pick" ]; then printf '%s\\n' "$input" | grep -F -- "$pick" | head -n 1; fi
            touch "$dir/menu-ran"
            """
        try menuScript.write(toFile: directory + "/menu.sh", atomically: true, encoding: .utf8)
        chmod(directory + "/menu.sh", 0o755)

        let dunstrc = """
            [global]
                font = DejaVu Sans 11
                width = 460
                height = 300
                origin = top-right
                offset = 24x24
                padding = 12
                horizontal_padding = 14
                frame_width = 2
                frame_color = "#8fb3a9"
                separator_height = 2
                corner_radius = 8
                format = "<b>%s</b>\\n%b"
                show_indicators = yes
                markup = full
                dmenu = /bin/sh \(directory)/menu.sh -p dunst
                history_length = 50
                idle_threshold = 0
                sticky_history = yes
            [urgency_low]
                background = "#fbf7f0"
                foreground = "#3b3b3b"
                timeout = \(options.defaultTimeout)
            [urgency_normal]
                background = "#fbf7f0"
                foreground = "#3b3b3b"
                timeout = \(options.defaultTimeout)
            """
        try dunstrc.write(toFile: directory + "/dunstrc", atomically: true, encoding: .utf8)

        if options.activatableDunst {
            let service = """
                [D-BUS Service]
                Name=org.freedesktop.Notifications
                Exec=/usr/bin/dunst -config \(directory)/dunstrc
                """
            try service.write(toFile: serviceDirectory + "/org.freedesktop.Notifications.service",
                              atomically: true, encoding: .utf8)
        }
    }

    private func startXvfb() throws {
        // Several tests (and other suites) run at once: try numbers nobody holds, let Xvfb
        // confirm it got one (-displayfd prints it once it listens), otherwise try the next.
        var candidates = Array(100..<900).shuffled()
        while let number = candidates.popLast() {
            if FileManager.default.fileExists(atPath: "/tmp/.X\(number)-lock")
                || FileManager.default.fileExists(atPath: "/tmp/.X11-unix/X\(number)") { continue }
            let process = try SessionProcess("/usr/bin/Xvfb",
                                             [":\(number)", "-displayfd", "1", "-screen", "0", "1024x600x24", "-wr",
                                              "-nolisten", "tcp"],
                                             environment: ["PATH": "/usr/bin:/bin"],
                                             logPath: directory + "/xvfb.log", captureStdout: true)
            if let line = process.readLine(timeout: 15), line.trimmingCharacters(in: .whitespaces) == "\(number)" {
                xvfb = process
                remember(process)
                display = ":\(number)"
                return
            }
            process.stop()
            if candidates.count < 790 { break }
        }
        throw Failure.timeout("Xvfb to take a display (see \(directory)/xvfb.log)")
    }

    /// Starts (or restarts) the session's dbus-daemon on the same socket path.
    func startBusNow() throws {
        precondition(bus?.isRunning != true, "bus already running")
        try? FileManager.default.removeItem(atPath: busSocket)
        var env = environment
        env["DBUS_SESSION_BUS_ADDRESS"] = nil
        let process = try SessionProcess("/usr/bin/dbus-daemon",
                                         ["--config-file=" + directory + "/bus.conf", "--nofork", "--nopidfile",
                                          "--print-address=1"],
                                         environment: env, logPath: directory + "/dbus.log", captureStdout: true)
        guard let address = process.readLine(timeout: 15), address.hasPrefix("unix:") else {
            process.stop()
            throw Failure.timeout("dbus-daemon to print its address (see \(directory)/dbus.log)")
        }
        bus = process
        remember(process)
        // Without the printed guid=…: a restarted daemon has a new GUID, and sd-bus refuses a
        // server whose GUID differs from the address (EPERM), as it should.
        busAddress = "unix:path=" + busSocket
    }

    /// Stops the dbus-daemon: every connection on it breaks.
    func stopBusNow() {
        bus?.stop()
        bus = nil
    }

    // MARK: Teardown

    public func tearDown() {
        guard !tornDown else { return }
        tornDown = true
        dunst?.stop()
        // An activated dunst is the bus's child, not ours: ask the bus for its pid first.
        if let pid = try? notificationServerPIDNow() { kill(pid, SIGTERM) }
        bus?.stop()
        xvfb?.stop()
        dunst = nil
        bus = nil
        xvfb = nil
        if ProcessInfo.processInfo.environment["GENTLE_KEEP_TEST_DIRS"] == nil {
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    /// The pid of whoever owns `org.freedesktop.Notifications`.
    func notificationServerPIDNow() throws -> Int32? {
        guard bus?.isRunning == true else { return nil }
        let result = try dbusSend(["--print-reply=literal", "--dest=org.freedesktop.DBus", "/org/freedesktop/DBus",
                                   "org.freedesktop.DBus.GetConnectionUnixProcessID",
                                   "string:org.freedesktop.Notifications"])
        guard result.status == 0 else { return nil }
        return result.stdout.split(separator: " ").compactMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }.last
    }

    // MARK: Helpers

    var stringEnvironment: [String: String?] {
        var env: [String: String?] = [:]
        for (k, v) in environment { env[k] = v }
        return env
    }

    func dunstctl(_ arguments: [String]) throws -> RunResult {
        let result = try RunResult.run("/usr/bin/dunstctl", arguments, environment: stringEnvironment)
        guard result.status == 0 else { throw Failure.command("dunstctl \(arguments.joined(separator: " "))", result) }
        return result
    }

    func dbusSend(_ arguments: [String]) throws -> RunResult {
        try RunResult.run("/usr/bin/dbus-send", ["--session"] + arguments, environment: stringEnvironment)
    }
}

/// Polls `condition` (every 10–200 ms) until it holds or `timeout` passes, blocking the thread (only
/// ever on an offloaded one): it waits on programs that offer nothing to block on.
func pollUntil(_ what: String, timeout: TimeInterval, _ condition: () throws -> Bool) throws {
    let deadline = Date().addingTimeInterval(timeout)
    // Start quick, then back off: many checks start a program (dbus-send, dunstctl), and a loaded
    // machine running many tests at once must not drown in them.
    var pause: useconds_t = 10_000
    while true {
        if try condition() { return }
        if Date() >= deadline { throw DesktopSession.Failure.timeout(what) }
        usleep(pause)
        pause = min(pause * 3 / 2, 200_000)
    }
}
