import ArgumentParser
import Dispatch
import Foundation
import GentleCore
import GentleSystem
import Logging

/// `gentle run`: the service itself. Exits 78 (EX_CONFIG) when the config is broken at start,
/// so systemd does not restart it in a loop (RestartPreventExitStatus=78).
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the daemon in the foreground (what the systemd unit starts).",
        discussion: """
            Delivers check-ins on time, records replies in the event log, reloads the config on \
            SIGHUP or when the file changes, and speaks the systemd notify protocol \
            (READY=1, STATUS=, WATCHDOG=1) when started by systemd.
            """
    )

    @OptionGroup var common: CommonOptions

    @Option(name: .long, help: "Least important log level to show (trace, debug, info, notice, warning, error).")
    var logLevel: String = "info"

    // For the fault tests only (a full disk freed, a read-only log made writable again): how
    // long to wait before writing again after the event log refused a record. Hidden because
    // 30 s is right for people; an option rather than an environment variable, so nothing in a
    // user's environment can change it by accident.
    @Option(name: .customLong("journal-retry"), help: ArgumentHelp(visibility: .hidden))
    var journalRetrySeconds: Double = 30

    static let exitConfig: Int32 = 78
    static let exitCannotCreate: Int32 = 73

    func validate() throws {
        guard journalRetrySeconds >= 0.1, journalRetrySeconds <= 3600 else {
            throw ValidationError("--journal-retry must be between 0.1 and 3600 seconds")
        }
    }

    func run() throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        GentleLogging.bootstrap(level: level)
        let logger = Logger(label: "gentle")
        let notifier = SystemdNotifier()
        let configFile = ConfigFile(paths: common.paths)

        let config: GentleConfig
        do {
            config = try configFile.load(common.configPath)
        } catch {
            let text = error.errors.map(\.description).joined(separator: "\n")
            Terminal.printError(text)
            notifier.send("STATUS=Config error: \(text.split(separator: "\n").first ?? "")")
            throw ExitCode(Self.exitConfig)
        }

        let planner = Planner(config: config)
        let store: EventLogStore
        let history: [EventRecord]
        do {
            store = try EventLogStore(directory: common.statePath, timeZone: planner.clock.zone, logger: logger)
            let contents = try store.readAll()
            for problem in contents.problems.prefix(20) {
                logger.warning("event log: \(problem)")
            }
            history = contents.records
        } catch {
            Terminal.printError("gentle: \(error)")
            notifier.send("STATUS=Cannot open the event log: \(error)")
            throw ExitCode(Self.exitCannotCreate)
        }

        let daemon = Daemon(
            options: Daemon.Options(configPath: common.configPath, journalRetry: journalRetrySeconds),
            config: config, history: history,
            journal: store, manager: notifier, loadConfig: configFile.loader, logger: logger)
        // One session-bus connection for the desktop channel and the control interface.
        let bus = SessionBus(logger: logger)
        let control = ControlService(daemon: daemon, logger: logger)
        bus.add(control)
        let channels = ChannelWiring.factories(logger: logger, stateDirectory: common.statePath,
                                               zone: planner.clock.zone, bus: bus)
        daemon.start(channels: channels) { code in
            withExtendedLifetime(control) {
                bus.stop()
                store.close()
                Foundation.exit(code)
            }
        }
        bus.start()
        dispatchMain()
    }
}
