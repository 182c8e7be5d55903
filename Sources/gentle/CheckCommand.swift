import ArgumentParser
import Foundation
import GentleCore
import GentleSystem

/// `gentle check [--config PATH]`: validate, summarise, exit 0; or print each problem as
/// `file:line:column: message` on stderr and exit 1.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check the config file and summarise it.",
        discussion: """
            Prints each problem as file:line:column: what is wrong; what to write instead, and \
            exits 1. A valid config gets a short summary and exit status 0.
            """
    )

    @Option(name: .long, help: ArgumentHelp("The config file (default: $XDG_CONFIG_HOME/gentle/config.toml).", valueName: "path"))
    var config: String?

    func run() throws {
        let paths = XDGPaths()
        let path = config ?? paths.defaultConfigFile
        let loaded: LoadedConfig
        do {
            loaded = try ConfigFile(paths: paths).loadDocument(path)
        } catch {
            let text = error.errors.map { $0.description + "\n" }.joined()
            FileHandle.standardError.write(Data(text.utf8))
            throw ExitCode(1)
        }
        // Seeded like the daemon's (from the absolute path), so the times shown are the ones it will use.
        var seeded = loaded.config
        seeded.sourcePath = CommonOptions.absolute(paths.expandTilde(path))
        let next = NextFires(config: seeded, now: Date())
        print(ConfigSummary(config: loaded.config).text(nextFire: next.words(for:)))
    }
}
