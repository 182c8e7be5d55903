import ArgumentParser
import Foundation
import GentleCore
import GentleSystem

/// `--config` and `--state-dir`, shared by every command that reads the config or the log.
struct CommonOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The config file (default: $XDG_CONFIG_HOME/gentle/config.toml).",
                                            valueName: "path"))
    var config: String?

    @Option(name: .customLong("state-dir"),
            help: ArgumentHelp("Where the event log lives (default: $XDG_STATE_HOME/gentle).", valueName: "dir"))
    var stateDirectory: String?

    var paths: XDGPaths { XDGPaths() }

    /// The config path made absolute, so the seed derived from it is the same whether the
    /// daemon or `gentle next` reads it, from whatever directory.
    var configPath: String { CommonOptions.absolute(paths.expandTilde(config ?? paths.defaultConfigFile)) }

    var statePath: String { CommonOptions.absolute(paths.expandTilde(stateDirectory ?? paths.defaultStateDirectory)) }

    var eventLogPath: String { statePath + "/events.jsonl" }

    static func absolute(_ path: String) -> String {
        let full = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return URL(fileURLWithPath: full).standardizedFileURL.path
    }

    /// The path as the user wrote it, for messages.
    var configPathAsGiven: String { config ?? paths.defaultConfigFile }

    /// Loads and validates the config, or prints every problem and exits with `code`. Messages
    /// name the file as given; the seed uses the absolute path, as the daemon does.
    func loadConfigOrExit(code: Int32 = 1) throws -> GentleConfig {
        do {
            var loaded = try ConfigFile(paths: paths).load(paths.expandTilde(configPathAsGiven))
            loaded.sourcePath = configPath
            return loaded
        } catch {
            Terminal.printError(error.errors.map(\.description).joined(separator: "\n"))
            throw ExitCode(code)
        }
    }
}

enum Terminal {
    static func printError(_ text: String) {
        FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }

    static var stdoutIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }
}
