import Foundation

/// Where `gentle install` puts each file for one user, and where `gentle uninstall` looks.
public struct InstallLayout: Sendable, Equatable {
    public static let unitName = "gentle.service"

    public var home: String
    /// Absolute and normalised; `~/.local` unless `--prefix` says otherwise.
    public var prefix: String
    public var binary: String
    public var unitDirectory: String
    public var unitFile: String
    /// `systemctl --user edit gentle` keeps its drop-ins here.
    public var dropInDirectory: String
    public var configFile: String
    public var configDirectory: String
    public var stateDirectory: String

    public init(paths: XDGPaths, prefix: String? = nil, currentDirectory: String = FileManager.default.currentDirectoryPath) {
        home = InstallLayout.normalise(paths.home, relativeTo: "/")
        let chosen = prefix.map { InstallLayout.normalise(paths.expandTilde($0), relativeTo: currentDirectory) }
        self.prefix = chosen ?? home + "/.local"
        binary = self.prefix + "/bin/gentle"
        unitDirectory = paths.configHome + "/systemd/user"
        unitFile = unitDirectory + "/" + InstallLayout.unitName
        dropInDirectory = unitFile + ".d"
        configFile = paths.defaultConfigFile
        configDirectory = (configFile as NSString).deletingLastPathComponent
        stateDirectory = paths.defaultStateDirectory
    }

    /// The path the unit file spells as `%h/.local/bin/gentle`.
    public var defaultBinary: String { home + "/.local/bin/gentle" }

    /// `~/…` for paths under the home directory: shorter to read, same to the shell.
    public func display(_ path: String) -> String {
        if path == home { return "~" }
        if path.hasPrefix(home + "/") { return "~" + path.dropFirst(home.count) }
        return path
    }

    static func normalise(_ path: String, relativeTo base: String) -> String {
        let absolute = path.hasPrefix("/") ? path : base + "/" + path
        let standard = URL(fileURLWithPath: absolute).standardizedFileURL.path
        return standard.count > 1 && standard.hasSuffix("/") ? String(standard.dropLast()) : standard
    }
}
