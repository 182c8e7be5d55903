import ArgumentParser
import Foundation
import GentleSystem

/// `gentle uninstall [--prefix ~/.local] [--purge]`: the reverse of `gentle install`.
struct UninstallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "uninstall",
        abstract: "Stop and remove the gentle user service.",
        discussion: """
            Stops and disables gentle.service, removes the unit file and the binary it starts. Your \
            config and event log stay unless you add --purge.
            """
    )

    @Option(name: .long, help: ArgumentHelp("The prefix given to `gentle install`, if the unit file is already gone.", valueName: "dir"))
    var prefix: String = "~/.local"

    @Flag(name: .long, help: "Also remove the config, the event log and any drop-ins for the unit.")
    var purge = false

    func run() throws {
        let paths = XDGPaths()
        try InstallSupport.refuseSudo()
        let layout = InstallLayout(paths: paths, prefix: prefix)
        let uninstaller = Uninstaller(layout: layout, purge: purge,
                                      systemctl: Systemctl(runByHand: layout.display(layout.binary) + " run"),
                                      progress: { print($0) })
        print("Removing gentle:")
        let warnings: [String]
        do {
            warnings = try uninstaller.uninstall()
        } catch {
            Terminal.printError("gentle uninstall: \(error)")
            throw ExitCode(1)
        }
        for warning in warnings { Terminal.printError("gentle uninstall: \(warning)") }
        if !warnings.isEmpty { throw ExitCode(1) }
    }
}
