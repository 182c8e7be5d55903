import Foundation

/// Driving dunst: what it displays, its context menu (the buttons), its history, the screen.
extension DesktopSession {
    func startDunstNow() throws {
        precondition(dunst?.isRunning != true, "dunst already running")
        let process = try SessionProcess("/usr/bin/dunst", ["-config", directory + "/dunstrc"], environment: environment,
                                         logPath: directory + "/dunst.log")
        dunst = process
        remember(process)
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

    func runMenu(pick: String?) throws {
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
