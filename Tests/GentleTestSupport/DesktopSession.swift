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
    private var dunst: SessionProcess?
    private var tornDown = false

    public static let tools = ["/usr/bin/dbus-daemon", "/usr/bin/dbus-send", "/usr/bin/Xvfb", "/usr/bin/dunst",
                               "/usr/bin/dunstctl", "/usr/bin/busctl", "/usr/bin/xwd"]

    public init(_ options: Options = Options()) throws {
        for tool in Self.tools where !FileManager.default.isExecutableFile(atPath: tool) {
            throw Failure.missingTool(tool)
        }
        self.options = options
        directory = try PackagePaths.makeTemporaryDirectory("gentle-desktop")
        busSocket = directory + "/bus"
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
        // Without the printed guid=…: a restarted daemon has a new GUID, and sd-bus refuses a
        // server whose GUID differs from the address (EPERM), as it should.
        busAddress = "unix:path=" + busSocket
    }

    /// Stops the dbus-daemon: every connection on it breaks.
    func stopBusNow() {
        bus?.stop()
        bus = nil
    }

    // MARK: dunst

    func startDunstNow() throws {
        precondition(dunst?.isRunning != true, "dunst already running")
        dunst = try SessionProcess("/usr/bin/dunst", ["-config", directory + "/dunstrc"], environment: environment,
                                   logPath: directory + "/dunst.log")
        try waitForServerNow(present: true, timeout: 30)
    }

    /// Kills dunst the hard way (as a crash would) and waits until its bus name is gone.
    func killDunstNow() throws {
        dunst?.signal(SIGKILL, waitUpTo: 5)
        dunst = nil
        try waitForServerNow(present: false, timeout: 30)
    }

    public var dunstIsRunning: Bool { dunst?.isRunning == true }

    /// Whether anyone owns `org.freedesktop.Notifications` right now.
    func serverIsPresentNow() throws -> Bool {
        let result = try dbusSend(["--print-reply=literal", "--dest=org.freedesktop.DBus", "/org/freedesktop/DBus",
                                   "org.freedesktop.DBus.NameHasOwner", "string:org.freedesktop.Notifications"])
        return result.stdout.contains("true")
    }

    func waitForServerNow(present: Bool, timeout: TimeInterval) throws {
        try pollUntil("org.freedesktop.Notifications to be \(present ? "owned" : "released")", timeout: timeout) {
            try serverIsPresentNow() == present
        }
    }

    /// `dunstctl count displayed`.
    func displayedCountNow() throws -> Int {
        let result = try dunstctl(["count", "displayed"])
        return Int(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    func waitForDisplayedNow(_ count: Int, timeout: TimeInterval = 30) throws {
        try pollUntil("\(count) notification(s) displayed", timeout: timeout) { try displayedCountNow() == count }
    }

    /// The context menu dunst offers for what is displayed: every action button of every
    /// notification. Opens the menu and picks nothing.
    func menuEntriesNow() throws -> [MenuEntry] {
        try runMenu(pick: nil)
        let text = (try? String(contentsOfFile: directory + "/menu-offered", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { DesktopSession.parseMenuLine(String($0)) }
    }

    /// Presses the button `key` of notification `id` through dunst's context menu.
    func invokeActionNow(id: UInt32, key: String) throws {
        try runMenu(pick: "[\(id),\(key)]")
    }

    /// `dunstctl action 0`: dunst's "do action" on the first notification, i.e. its `default` action.
    func invokeDefaultNow() throws {
        _ = try dunstctl(["action", "0"])
    }

    /// `dunstctl close`: closes the newest notification as the user would (reason 2, dismissed).
    func dismissNow() throws {
        _ = try dunstctl(["close"])
    }

    /// Closed notifications as `dunstctl history` reports them, newest first: each a dictionary of
    /// field name (`id`, `summary`, `body`, `appname`, `category`, …) to its value as text.
    func historyNow() throws -> [[String: String]] {
        let result = try dunstctl(["history"])
        guard let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
              let data = json["data"] as? [[Any]], let list = data.first else { return [] }
        return list.compactMap { item in
            guard let fields = item as? [String: Any] else { return nil }
            var flat: [String: String] = [:]
            for (key, value) in fields {
                flat[key] = "\((value as? [String: Any])?["data"] ?? value)"
            }
            return flat
        }
    }

    /// Writes a PNG of the screen (`xwd | convert`), by default trimmed to what is drawn on the
    /// empty (white) root window — the notifications — with a margin.
    func screenshotNow(to path: String, trimmed: Bool = true) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        // ImageMagick's own convert (Debian `imagemagick`), which reads xwd dumps.
        let convert = "/usr/bin/convert"
        guard FileManager.default.isExecutableFile(atPath: convert) else { throw Failure.missingTool("convert (imagemagick)") }
        let options = trimmed ? "-trim +repage -bordercolor white -border 16" : ""
        let result = try RunResult.run("/bin/sh", ["-c", "xwd -root -silent -display \"$1\" | \"$2\" xwd:- \(options) \"$3\"", "sh",
                                                   display, convert, path], environment: stringEnvironment)
        guard result.status == 0 else { throw Failure.command("xwd | convert", result) }
    }

    /// Sends a signal from a separate connection (`dbus-send`), e.g. a forged `ActionInvoked`
    /// unicast to `destination`. `arguments` use dbus-send syntax: `uint32:3`, `string:done`.
    func sendSignalNow(destination: String?, path: String, interface: String, member: String,
                           arguments: [String]) throws {
        var args = ["--type=signal"]
        if let destination { args.append("--dest=" + destination) }
        args += [path, interface + "." + member] + arguments
        let result = try dbusSend(args)
        guard result.status == 0 else { throw Failure.command("dbus-send signal", result) }
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

    private var stringEnvironment: [String: String?] {
        var env: [String: String?] = [:]
        for (k, v) in environment { env[k] = v }
        return env
    }

    private func dunstctl(_ arguments: [String]) throws -> RunResult {
        let result = try RunResult.run("/usr/bin/dunstctl", arguments, environment: stringEnvironment)
        guard result.status == 0 else { throw Failure.command("dunstctl \(arguments.joined(separator: " "))", result) }
        return result
    }

    private func dbusSend(_ arguments: [String]) throws -> RunResult {
        try RunResult.run("/usr/bin/dbus-send", ["--session"] + arguments, environment: stringEnvironment)
    }

    private func runMenu(pick: String?) throws {
        let marker = directory + "/menu-ran"
        let log = directory + "/dunst.log"
        try (pick ?? "").write(toFile: directory + "/menu-pick", atomically: true, encoding: .utf8)
        let deadline = Date().addingTimeInterval(30)
        while true {
            try? FileManager.default.removeItem(atPath: marker)
            let logBefore = (try? FileManager.default.attributesOfItem(atPath: log)[.size] as? NSNumber)?.intValue ?? 0
            _ = try dunstctl(["context"])
            // dunst refuses a menu while the previous one is still winding down (our script has
            // already marked it done by then); it says so in its log, and we ask again.
            var refused = false
            try pollUntil("dunst's context menu to run", timeout: max(1, deadline.timeIntervalSinceNow)) {
                if FileManager.default.fileExists(atPath: marker) { return true }
                refused = DesktopSession.logSays(log, after: logBefore, "refusing to rerun")
                return refused
            }
            if !refused { return }
            if Date() >= deadline { throw Failure.timeout("dunst to accept a context menu call") }
            usleep(50_000)
        }
    }

    /// Whether `file` has `text` somewhere past its first `offset` bytes.
    static func logSays(_ file: String, after offset: Int, _ text: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: file) else { return false }
        defer { try? handle.close() }
        try? handle.seek(toOffset: UInt64(offset))
        let data = (try? handle.readToEnd()) ?? Data()
        return String(decoding: data, as: UTF8.self).contains(text)
    }

    static func parseMenuLine(_ line: String) -> MenuEntry? {
        guard line.hasPrefix("#"), line.hasSuffix("]"), let open = line.range(of: " [", options: .backwards) else {
            return nil
        }
        let inside = line[open.upperBound..<line.index(before: line.endIndex)]
        guard let comma = inside.firstIndex(of: ","), let id = UInt32(inside[..<comma]) else { return nil }
        return MenuEntry(id: id, key: String(inside[inside.index(after: comma)...]),
                         text: String(line[line.index(after: line.startIndex)..<open.lowerBound]))
    }
}

/// Polls `condition` every 20 ms until it holds or `timeout` passes, blocking the thread (only
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

/// The public face of the session: every operation that waits on a program runs off the test's
/// thread (see `with`).
extension DesktopSession {
    /// Starts (or restarts) the session's dbus-daemon on the same socket path.
    public func startBus() async throws { try await Self.offload { try self.startBusNow() } }
    /// Stops the dbus-daemon: every connection on it breaks.
    public func stopBus() async throws { try await Self.offload { self.stopBusNow() } }
    public func startDunst() async throws { try await Self.offload { try self.startDunstNow() } }
    /// Kills dunst the hard way (as a crash would) and waits until its bus name is gone.
    public func killDunst() async throws { try await Self.offload { try self.killDunstNow() } }
    /// Whether anyone owns `org.freedesktop.Notifications` right now.
    public func serverIsPresent() async throws -> Bool { try await Self.offload { try self.serverIsPresentNow() } }
    /// `dunstctl count displayed`.
    public func displayedCount() async throws -> Int { try await Self.offload { try self.displayedCountNow() } }
    public func waitForDisplayed(_ count: Int, timeout: TimeInterval = 30) async throws {
        try await Self.offload { try self.waitForDisplayedNow(count, timeout: timeout) }
    }
    /// Every action button dunst offers for what is displayed (its context menu, picking nothing).
    public func menuEntries() async throws -> [MenuEntry] { try await Self.offload { try self.menuEntriesNow() } }
    /// Presses the button `key` of notification `id` through dunst's context menu.
    public func invokeAction(id: UInt32, key: String) async throws {
        try await Self.offload { try self.invokeActionNow(id: id, key: key) }
    }
    /// `dunstctl action 0`: the `default` action of the first notification (a click on it).
    public func invokeDefault() async throws { try await Self.offload { try self.invokeDefaultNow() } }
    /// `dunstctl close`: closes the newest notification as the user would (reason 2, dismissed).
    public func dismiss() async throws { try await Self.offload { try self.dismissNow() } }
    /// `dunstctl history`: closed notifications, newest first, fields as text.
    public func history() async throws -> [[String: String]] { try await Self.offload { try self.historyNow() } }
    /// A PNG of the screen, trimmed to the notifications by default.
    public func screenshot(to path: String, trimmed: Bool = true) async throws {
        try await Self.offload { try self.screenshotNow(to: path, trimmed: trimmed) }
    }
    /// Sends a signal from a separate connection (`dbus-send`), e.g. a forged `ActionInvoked`
    /// unicast to `destination`. `arguments` use dbus-send syntax: `uint32:3`, `string:done`.
    public func sendSignal(destination: String?, path: String, interface: String, member: String,
                           arguments: [String]) async throws {
        try await Self.offload {
            try self.sendSignalNow(destination: destination, path: path, interface: interface, member: member,
                                   arguments: arguments)
        }
    }
}
