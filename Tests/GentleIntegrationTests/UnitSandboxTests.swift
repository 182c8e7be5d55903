#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import GentleTestSupport

/// The unit's sandbox, checked where it runs: a probe service with every line of the installed
/// gentle.service except how the process is started and supervised (so a hardening line added
/// to the unit is probed too) connects to the session bus and makes a D-Bus call, sends mail to
/// a loopback SMTP server over IPv4, IPv6 and by name, reads the smtp-password credential and
/// the config, and writes to the state directory. A second probe with only AF_UNIX allowed shows
/// that the probe does notice a blocked family.
@Suite(.enabled(if: UserManager.unavailableReason == nil, Comment(rawValue: UserManager.unavailableReason ?? "")))
struct UnitSandboxTests {
    @Test(arguments: [UserManager.Identity.unprivileged, .root])
    func sandboxLeavesBusSMTPConfigAndStateReachable(_ identity: UserManager.Identity) async throws {
        let smtp = try await UserManager.blocking { try LoopbackSMTPServer() }
        defer { smtp.stop() }
        try await UserManager.with(identity) { manager in try await probe(manager, smtp: smtp) }
    }

    func probe(_ manager: UserManager, smtp: LoopbackSMTPServer) async throws {
        let identity = manager.identity
        let install = try await manager.run([manager.gentleBinary, "install", "--no-start", "--binary", manager.gentleBinary])
        #expect(install.status == 0, "\(install.stdout)\(install.stderr)")
        let unit = try String(contentsOfFile: manager.home + "/.config/systemd/user/gentle.service", encoding: .utf8)

        try await manager.writeFile(manager.home + "/probe.py", Self.probeScript)
        try await manager.writeFile(manager.home + "/.config/gentle/smtp-password", "s3cret\n", mode: 0o600)
        let probe = "/usr/bin/python3 %h/probe.py \(smtp.port4) \(smtp.port6)"
        try await manager.writeFile(manager.home + "/.config/systemd/user/gentle-probe.service",
                              Self.probeUnit(from: unit, command: probe, output: "%h/probe.out"))
        try await manager.writeFile(manager.home + "/.config/systemd/user/gentle-probe-unix-only.service",
                              Self.probeUnit(from: unit, command: probe, output: "%h/probe-unix-only.out",
                                             replacing: ["RestrictAddressFamilies": "AF_UNIX"]))
        #expect(try await manager.systemctl("daemon-reload").status == 0)

        let run = try await manager.systemctl("start", "gentle-probe.service")
        let probeJournal = await manager.journal(unit: "gentle-probe.service")
        #expect(run.status == 0, "\(run.stderr)\n\(probeJournal)")
        let result = Self.results(manager.home + "/probe.out")
        for key in ["bus-socket", "bus-call", "smtp-ipv4", "smtp-localhost", "resolve", "config-read"] {
            #expect(result[key]?.hasPrefix("ok") == true, "\(identity): \(key) → \(result[key] ?? "missing"); all: \(result)")
        }
        if smtp.port6 != 0 {
            #expect(result["smtp-ipv6"]?.hasPrefix("ok") == true, "\(result)")
        }
        #expect(result["state-dir"] == "writable", "\(result)")
        #expect(result["no-new-privs"] == "1" && result["seccomp"] == "2", "the seccomp-based options apply: \(result)")
        #expect(smtp.mailCount >= (smtp.port6 != 0 ? 3 : 2), "the server got the mail")
        switch identity {
        case .root:
            // The mount-namespace options take effect here (as with newer systemd for everyone).
            #expect(result["home"]?.hasPrefix("not writable") == true, "ProtectSystem=strict: \(result)")
            #expect(result["tmp"] == "private", "PrivateTmp=: \(result)")
        case .unprivileged:
            // systemd 252 cannot set up mount namespaces for an unprivileged manager and skips
            // those options; the credential works here (a root-run user manager cannot mount it).
            #expect(result["credential"] == "ok", "LoadCredential=smtp-password: \(result)")
        }

        #expect(try await manager.systemctl("start", "gentle-probe-unix-only.service").status == 0)
        let narrow = Self.results(manager.home + "/probe-unix-only.out")
        #expect(narrow["bus-call"]?.hasPrefix("ok") == true, "\(narrow)")
        #expect(narrow["smtp-ipv4"]?.hasPrefix("FAIL") == true, "the probe notices a blocked family: \(narrow)")
        print("unit sandbox probe (\(identity)): \(result.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", "))")
    }

    /// gentle itself, started by the installed unit, delivers a desktop notification (dunst
    /// D-Bus-activated on the manager's session bus, drawing on an Xvfb display) and an email
    /// (SMTP with AUTH on a loopback aiosmtpd, the password from the smtp-password credential
    /// where the manager can mount one, else from password_file).
    @Test(arguments: [UserManager.Identity.unprivileged, .root])
    func gentleDeliversToTheDesktopAndByEmailFromInsideTheSandbox(_ identity: UserManager.Identity) async throws {
        let smtp = try await SMTPTestServer.start(.init(auth: ("parent", "s3cret")))
        defer { smtp.stop() }
        try await DesktopSession.with(.init(startDunst: false)) { desktop in
            try await UserManager.with(identity) { manager in
                try await deliver(manager, smtp: smtp, display: desktop.display)
            }
        }
    }

    func deliver(_ manager: UserManager, smtp: SMTPTestServer, display: String) async throws {
        let identity = manager.identity
        #expect(try await manager.systemctl("set-environment", "DISPLAY=\(display)").status == 0)
        let install = try await manager.run([manager.gentleBinary, "install", "--no-start", "--binary", manager.gentleBinary])
        #expect(install.status == 0, "\(install.stdout)\(install.stderr)")
        try await manager.writeFile(manager.home + "/.config/gentle/smtp-password", "s3cret\n", mode: 0o600)
        if identity == .unprivileged {
            try await manager.writeFile(manager.home + "/.config/systemd/user/gentle.service.d/credential.conf",
                                        "[Service]\nLoadCredential=smtp-password:%h/.config/gentle/smtp-password\n")
            #expect(try await manager.systemctl("daemon-reload").status == 0)
        }
        let due = DaemonProcess.utcClock(Date(timeIntervalSince1970: (Date().timeIntervalSince1970 + 4).rounded(.up)))
        let passwordFile = identity == .root ? "password_file = \"~/.config/gentle/smtp-password\"" : ""
        try await manager.writeFile(manager.home + "/.config/gentle/config.toml", """
            timezone = "UTC"
            max_per_day = 48
            min_spacing = "0m"

            [email]
            to = "parent@example.org"
            from = "gentle@example.org"
            url = "smtp://127.0.0.1:\(smtp.port)"
            starttls = false
            username = "parent"
            \(passwordFile)

            [[checkin]]
            id = "breathe"
            title = "Breathe"
            messages = ["Take one slow breath."]
            when = "\(due)"
            channels = ["desktop"]

            [[checkin]]
            id = "letter"
            title = "A note to yourself"
            messages = ["What went well today?"]
            when = "\(due)"
            channels = ["email"]

            """, mode: 0o600)
        let start = try await manager.systemctl("start", "gentle.service")
        #expect(start.status == 0, "\(start.stderr)")

        let events = manager.home + "/.local/state/gentle/events.jsonl"
        let delivered = try await manager.waitUntil(timeout: 40) {
            let channels = Self.deliveredChannels(events)
            return channels.contains("desktop") && channels.contains("email")
        }
        let journal = await manager.journal(unit: "gentle.service")
        #expect(delivered, "delivered on: \(Self.deliveredChannels(events)); log:\n\(journal.suffix(3000))")

        let bus = ["DBUS_SESSION_BUS_ADDRESS": "unix:path=\(manager.runtimeDirectory)/bus"]
        let shown = try await manager.run(["dunstctl", "count", "displayed"], environment: bus)
        let history = try await manager.run(["dunstctl", "count", "history"], environment: bus)
        #expect((Int(shown.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0)
                + (Int(history.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0) >= 1,
                "dunst got the notification: \(shown.stdout)\(shown.stderr)")
        #expect(try await manager.show("dunst.service", ["ActiveState"])["ActiveState"] == "active",
                "the bus activated dunst.service")
        let mail = try smtp.received()
        #expect(mail.count == 1)
        #expect(mail.first?.auth_user == "parent", "logged in with the password from the \(identity == .root ? "file" : "credential")")
        #expect(mail.first?.subject?.contains("A note to yourself") == true)
    }

    static func deliveredChannels(_ path: String) -> [String] {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            guard let record = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any],
                  record["kind"] as? String == "delivered" else { return nil }
            return record["channel"] as? String
        }
    }

    /// The installed unit's [Unit] and [Service] lines, minus the ones about starting and
    /// supervising gentle, plus a oneshot probe and the SMTP credential.
    static func probeUnit(from unit: String, command: String, output: String, replacing: [String: String] = [:]) -> String {
        let lifecycle: Set<String> = ["Type", "NotifyAccess", "ExecStart", "ExecReload", "WatchdogSec", "Restart",
                                      "RestartSec", "RestartPreventExitStatus", "TimeoutStopSec"]
        var lines: [String] = []
        var section = ""
        for line in unit.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("[") { section = line }
            guard section != "[Install]" else { continue }
            let key = line.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
            if lifecycle.contains(key) { continue }
            if let value = replacing[key] { lines.append("\(key)=\(value)"); continue }
            lines.append(line)
            if line == "[Service]" {
                lines += ["Type=oneshot", "ExecStart=\(command)", "StandardOutput=truncate:\(output)",
                          "LoadCredential=smtp-password:%h/.config/gentle/smtp-password"]
            }
        }
        return lines.joined(separator: "\n")
    }

    static func results(_ path: String) -> [String: String] {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1)
            values[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        return values
    }

    /// Runs inside the unit. Prints `name result` lines; always exits 0 so every check reports.
    static let probeScript = #"""
        import os, socket, smtplib, subprocess, sys
        port4, port6 = int(sys.argv[1]), int(sys.argv[2])
        out = {}
        def check(name, fn):
            try:
                out[name] = 'ok ' + str(fn())
            except Exception as e:
                out[name] = 'FAIL %s: %s' % (type(e).__name__, e)
        def bus_socket():
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(os.environ['XDG_RUNTIME_DIR'] + '/bus')
            s.close()
            return 'connected'
        def bus_call():
            r = subprocess.run(['busctl', '--user', 'call', 'org.freedesktop.DBus', '/org/freedesktop/DBus',
                                'org.freedesktop.DBus', 'GetId'], capture_output=True, text=True, timeout=10)
            if r.returncode:
                raise RuntimeError(r.stderr.strip())
            return r.stdout.strip()
        def send(host, port):
            def go():
                with smtplib.SMTP(host, port, timeout=10) as client:
                    client.sendmail('probe@example.org', ['parent@example.org'], 'Subject: probe\r\n\r\nhello\r\n')
                return 'sent'
            return go
        def credential():
            directory = os.environ.get('CREDENTIALS_DIRECTORY')
            if not directory:
                raise RuntimeError('no $CREDENTIALS_DIRECTORY')
            with open(os.path.join(directory, 'smtp-password')) as f:
                if f.read().strip() != 's3cret':
                    raise RuntimeError('wrong content')
            return 'read'
        def resolve():
            return sorted({a[0].name for a in socket.getaddrinfo('localhost', port4, type=socket.SOCK_STREAM,
                                                                   flags=socket.AI_ADDRCONFIG)})
        def config_read():
            with open(os.path.expanduser('~/.config/gentle/config.toml')) as f:
                return '%d bytes' % len(f.read())
        def writable(path):
            try:
                name = os.path.join(path, '.probe')
                open(name, 'w').close()
                os.unlink(name)
                return 'writable'
            except OSError as e:
                return 'not writable (%s)' % e.strerror
        check('bus-socket', bus_socket)
        check('bus-call', bus_call)
        check('smtp-ipv4', send('127.0.0.1', port4))
        if port6:
            check('smtp-ipv6', send('::1', port6))
        check('smtp-localhost', send('localhost', port4))
        check('resolve', resolve)
        check('credential', credential)
        out['credential'] = 'ok' if out['credential'].startswith('ok') else out['credential']
        check('config-read', config_read)
        out['state-dir'] = writable(os.path.expanduser('~/.local/state/gentle'))
        out['home'] = writable(os.path.expanduser('~'))
        out['tmp'] = 'private' if not os.listdir('/tmp') else 'shared'
        for line in open('/proc/self/status'):
            if line.startswith('NoNewPrivs:'):
                out['no-new-privs'] = line.split()[1]
            if line.startswith('Seccomp:'):
                out['seccomp'] = line.split()[1]
        for key, value in out.items():
            print(key, value)
        """#
}
