import Dispatch
import Foundation
import GentleCore
import Logging

/// `gentle run`: carries out the planner's decisions. All state lives on one serial queue;
/// one wall-clock timer waits for the next occurrence; clock steps, config edits, signals and
/// channel events all end in `recompute()`.
public final class Daemon: @unchecked Sendable {
    public struct Options: Sendable {
        public var configPath: String
        /// When nil the zone comes from the config, else from the system (re-read on change).
        public var timeZoneOverride: TimeZone?
        /// How long to wait before trying again after the log could not be written.
        public var journalRetry: TimeInterval

        public init(configPath: String, timeZoneOverride: TimeZone? = nil, journalRetry: TimeInterval = 30) {
            self.configPath = configPath
            self.timeZoneOverride = timeZoneOverride
            self.journalRetry = journalRetry
        }
    }

    let queue = DispatchQueue(label: "gentle.scheduler")
    let options: Options
    let loadConfig: ConfigLoading
    let journal: any EventJournal
    let manager: any ServiceManagerLink
    let logger: Logger
    let now: @Sendable () -> Date

    // Confined to `queue`.
    var config: GentleConfig
    var planner: Planner
    var state: PlannerState
    var channelSet: ChannelSet?
    var timer: WallClockTimer?
    var watchers: [AnyObject] = []
    var watchdog: DispatchSourceTimer?
    var idleTrim: DispatchWorkItem?
    var upcoming: UpcomingFire?
    /// The upcoming fire last written to the log, so each next check-in is announced once.
    var announced: UpcomingFire?
    /// Recently fired deliveries, to check replies against what was offered.
    var recent: [OccurrenceID: Delivery] = [:]
    var recentOrder: [OccurrenceID] = []
    var tried: [OccurrenceID: Set<Channel>] = [:]
    var lastFired: OccurrenceID?
    var journalProblem: String?
    /// Channel reports the log refused, oldest first (see `keep`).
    var unwritten: [EventRecord] = []
    var configProblem: String?
    var stopped = false
    var onStop: (@Sendable (Int32) -> Void)?

    /// `config` is the already validated config (the CLI refuses to start without one) and
    /// `history` the log read at start.
    public init(options: Options, config: GentleConfig, history: [EventRecord], journal: any EventJournal,
                manager: any ServiceManagerLink, loadConfig: @escaping ConfigLoading, logger: Logger,
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.options = options
        self.config = config
        self.journal = journal
        self.manager = manager
        self.loadConfig = loadConfig
        self.logger = logger
        self.now = now
        let start = now()
        planner = Planner(config: config, timeZone: options.timeZoneOverride ?? Daemon.zone(for: config))
        state = Daemon.rebuildState(planner: planner, history: history, startedAt: start)
        for record in history.reversed() where record.kind == .fired {
            lastFired = record.occurrence
            break
        }
    }

    /// The zone the config's wall-clock rules use: its own, else the system's as it is now.
    static func zone(for config: GentleConfig) -> TimeZone {
        if let id = config.timezone, let zone = TimeZone(identifier: id) { return zone }
        return SystemTimeZone.current()
    }

    static func rebuildState(planner: Planner, history: [EventRecord], startedAt: Date) -> PlannerState {
        var state = PlannerState(baseline: startedAt, backoffMax: planner.config.backoffMax)
        for record in history { state.apply(record) }
        // Check-ins never seen before start now; ones with history continue from their cursor.
        state.noteCheckins(planner.config.checkins.map(\.id) + [kidDateCheckinID], seenAt: startedAt)
        return state
    }

    /// Brings everything up on the daemon's queue and reports READY=1 once channels exist.
    /// `onStop` is called with the exit code after a clean shutdown.
    public func start(channels factories: ChannelFactories, onStop: @escaping @Sendable (Int32) -> Void) {
        queue.async { [self] in
            self.onStop = onStop
            let sink: ChannelEventSink = { [weak self] event in
                guard let daemon = self else { return }
                daemon.queue.async { daemon.handle(event) }
            }
            let set = ChannelSet(factories: factories, sink: sink, logger: logger)
            set.update(for: config)
            channelSet = set
            timer = WallClockTimer(queue: queue) { [weak self] in self?.recompute(reason: "timer") }
            installWatchers()
            startWatchdog()
            logger.info("gentle \(GentleVersion.string) running", metadata: [
                "config": "\(options.configPath)", "checkins": "\(config.checkins.count)",
                "timezone": "\(planner.clock.zone.identifier)",
            ])
            recompute(reason: "start")
            // READY=1 only once SIGTERM and SIGHUP can no longer be lost (see SignalWatcher).
            let signals = watchers.compactMap { $0 as? SignalWatcher }.first
            if let signals {
                signals.whenRegistered(on: queue) { [weak self] in self?.manager.send("READY=1") }
            } else {
                manager.send("READY=1")
            }
        }
    }

    /// Runs `body` on the daemon's queue and waits for it; for the control interface and tests.
    public func sync<T: Sendable>(_ body: @Sendable () -> T) -> T { queue.sync(execute: body) }

    private func installWatchers() {
        if let clock = ClockChangeWatcher(queue: queue, logger: logger, onChange: { [weak self] in
            self?.recompute(reason: "clock change")
        }) { watchers.append(clock) }
        if let file = FileChangeWatcher(path: options.configPath, queue: queue, logger: logger, onChange: { [weak self] in
            self?.reload(trigger: "config file changed")
        }) { watchers.append(file) }
        if options.timeZoneOverride == nil, let tz = FileChangeWatcher(path: "/etc/localtime", queue: queue,
                                                                       logger: logger, onChange: { [weak self] in
            self?.systemTimeZoneChanged()
        }) { watchers.append(tz) }
        watchers.insert(SignalWatcher(queue: queue, handlers: [
            SIGHUP: { [weak self] in self?.reload(trigger: "SIGHUP") },
            SIGTERM: { [weak self] in self?.stop(reason: "SIGTERM") },
            SIGINT: { [weak self] in self?.stop(reason: "SIGINT") },
        ]), at: 0)
    }

    /// Pings the watchdog from the scheduling queue itself, so a stuck queue stops the pings.
    private func startWatchdog() {
        guard let interval = manager.watchdogInterval, interval > 0 else { return }
        let source = DispatchSource.makeTimerSource(queue: queue)
        let half = DispatchTimeInterval.microseconds(Int(interval * 500_000))
        source.schedule(deadline: .now() + half, repeating: half, leeway: .milliseconds(50))
        source.setEventHandler { [weak self] in self?.manager.send("WATCHDOG=1") }
        source.activate()
        watchdog = source
        logger.debug("watchdog every \(interval / 2) s")
    }

    private func systemTimeZoneChanged() {
        guard config.timezone == nil, options.timeZoneOverride == nil else { return }
        let zone = SystemTimeZone.current()
        guard zone.identifier != planner.clock.zone.identifier else { return }
        logger.notice("system time zone changed to \(zone.identifier); recomputing")
        planner = Planner(config: config, timeZone: zone)
        recompute(reason: "time zone change")
    }

    /// Stops cleanly: STOPPING=1, channels told to wrap up, then exit code 0.
    public func stop(reason: String) {
        guard !stopped else { return }
        stopped = true
        logger.info("stopping (\(reason))")
        if !writeUnwritten() {
            logger.error("\(unwritten.count) records could not be written to the event log before stopping")
        }
        manager.send("STOPPING=1")
        timer?.cancel()
        watchdog?.cancel()
        for w in watchers {
            (w as? ClockChangeWatcher)?.cancel()
            (w as? FileChangeWatcher)?.cancel()
            (w as? SignalWatcher)?.cancel()
        }
        channelSet?.shutdown()
        onStop?(0)
    }
}
