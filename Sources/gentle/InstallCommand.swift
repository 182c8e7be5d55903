import ArgumentParser
import Foundation
import GentleCore
import GentleSystem

/// `gentle install [--prefix ~/.local] [--binary PATH] [--no-start]`: sets gentle up as your
/// systemd user service in one go and says what it did and what to do next.
struct InstallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Install gentle as your systemd user service and start it.",
        discussion: """
            Copies this binary to PREFIX/bin/gentle, writes ~/.config/systemd/user/gentle.service, \
            puts the example config at ~/.config/gentle/config.toml unless you already have one (an \
            existing config is never touched), then runs `systemctl --user daemon-reload` and enables \
            and (re)starts gentle.service. Running it again upgrades in place.
            """
    )

    @Option(name: .long, help: ArgumentHelp("Where the binary goes: PREFIX/bin/gentle.", valueName: "dir"))
    var prefix: String = "~/.local"

    @Option(name: .long, help: ArgumentHelp("Install this gentle binary instead of the one running.", valueName: "path"))
    var binary: String?

    @Flag(name: .customLong("no-start"), help: "Enable the service but do not start it now.")
    var noStart = false

    func run() throws {
        let paths = XDGPaths()
        try InstallSupport.refuseSudo()
        let layout = InstallLayout(paths: paths, prefix: prefix)
        let source = binary.map { CommonOptions.absolute(paths.expandTilde($0)) } ?? InstallSupport.runningBinary()
        let installer = Installer(
            options: Installer.Options(layout: layout, sourceBinary: source, start: !noStart),
            systemctl: Systemctl(runByHand: layout.display(layout.binary) + " run"), paths: paths,
            progress: { print($0) })
        print("Installing gentle \(GentleVersion.string):")
        let outcome: Installer.Outcome
        do {
            outcome = try installer.install()
        } catch {
            Terminal.printError("gentle install: \(error)")
            throw ExitCode(1)
        }
        print(Self.closingWords(outcome, layout: layout))
        if !outcome.configProblems.isEmpty {
            Terminal.printError(outcome.configProblems.joined(separator: "\n"))
            throw ExitCode(1)
        }
    }

    static func closingWords(_ outcome: Installer.Outcome, layout: InstallLayout) -> String {
        let config = layout.display(layout.configFile)
        let gentle = InstallSupport.onPath(layout.binary) ? "gentle" : layout.display(layout.binary)
        var text = "\n"
        if !outcome.configProblems.isEmpty {
            text += """
                Your config needs a small fix before gentle can start (details below). Edit \(config),
                check it with `\(gentle) check`, then start the service: systemctl --user start gentle

                """
            return text
        }
        if let status = outcome.statusText { text += "gentle is running. \(status)\n\n" }
        else if outcome.started { text += "gentle is running.\n\n" }
        let steps = [
            (gentle + " next", "see the coming check-ins"),
            ("$EDITOR " + config, "make them yours; saving is enough, gentle reloads by itself"),
            ("systemctl --user reload gentle", "reload now (needed after editing the target of a symlinked config)"),
            (gentle + " status", "what it does next, and your last answers"),
            ("systemctl --user status gentle", "the service itself; its log: journalctl --user -u gentle"),
            (gentle + " uninstall", "remove it again (your config and log stay)"),
        ]
        let width = steps.map(\.0.count).max() ?? 0
        text += "What next:\n" + steps.map { "  " + $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "   " + $0.1 }
            .joined(separator: "\n")
        if !InstallSupport.onPath(layout.binary) {
            text += "\n\n\(layout.display((layout.binary as NSString).deletingLastPathComponent)) is not on your PATH yet. Many "
                + "systems add it at your next login once it exists (Debian's ~/.profile does); otherwise add it "
                + "yourself to type just `gentle`."
        }
        return text
    }
}

enum InstallSupport {
    /// The executable of this process, as the kernel knows it.
    static func runningBinary() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// Whether `binary` is what typing its name in a shell runs.
    static func onPath(_ binary: String) -> Bool {
        let directory = (binary as NSString).deletingLastPathComponent
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        return path.split(separator: ":").contains { CommonOptions.absolute(String($0)) == directory }
    }

    /// `sudo gentle install` would set the service up for root; say so instead.
    static func refuseSudo() throws {
        guard getuid() == 0, let user = ProcessInfo.processInfo.environment["SUDO_USER"], !user.isEmpty, user != "root" else {
            return
        }
        Terminal.printError("gentle: \(InstallError.runningUnderSudo(user: user))")
        throw ExitCode(1)
    }
}
