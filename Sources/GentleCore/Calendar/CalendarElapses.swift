/// The elapses of an expression one after another, each strictly after the previous: what
/// `systemd-analyze calendar --iterations` lists. Each step gives the same answer as
/// `CalendarSpec.nextElapse(afterMicroseconds:zone:)` from the previous elapse; it only keeps
/// the broken-down time of the previous elapse instead of working it out again.
///
///     for usec in spec.elapses(afterMicroseconds: now, zone: zone).prefix(5) { … }
public struct CalendarElapses: Sequence, IteratorProtocol, Sendable {
    let spec: CalendarSpec
    let zone: ZoneRules
    /// The zone the expression is evaluated in (its own, or `zone`).
    private let searchZone: ZoneRules
    /// Steps may take the short way below: plain calendar arithmetic from the previous elapse.
    private let mayStepDirectly: Bool
    private var last: Int64
    /// Local time of the previous elapse, when known.
    private var lastFields: BrokenDownTime
    private var hasLastFields = false
    /// `lastFields` is the candidate the previous search settled on (plain arithmetic).
    private var lastFieldsAreCandidate = false
    /// Why the sequence ended: `.never`, `.endlessLoop` or `.outOfRange`; nil while it runs.
    public private(set) var end: CalendarSpec.Elapse?

    init(spec: CalendarSpec, after usec: Int64, zone: ZoneRules) {
        self.spec = spec
        self.zone = zone
        searchZone = spec.pattern.utc ? ZoneRules.utc : (spec.explicitZone ?? zone)
        // An expression pinned to standard or daylight time follows glibc's rules throughout.
        mayStepDirectly = spec.pattern.dst < 0
        last = usec
        lastFields = BrokenDownTime(year: 70, month: 0, day: 1, hour: 0, minute: 0, second: 0)
    }

    public mutating func next() -> Int64? {
        guard end == nil else { return nil }
        // The fields describe the whole second of the previous elapse; they fit the next
        // start unless that start is in the following second.
        let sameSecond = last % 1_000_000 < 999_999
        if mayStepDirectly && lastFieldsAreCandidate && sameSecond, let next = stepDirectly() { return next }
        let result = spec.search(after: last, cachedStart: sameSecond && hasLastFields ? lastFields : nil,
                                 startIsCandidate: lastFieldsAreCandidate, zone: zone)
        guard case .elapse(let next) = result.elapse else {
            end = result.elapse
            return nil
        }
        last = next
        hasLastFields = result.fields != nil
        lastFields = result.fields ?? lastFields
        lastFieldsAreCandidate = hasLastFields && result.fieldsAreCandidate
        return next
    }

    /// The common step: from the previous elapse, whose fields the search settled on, by plain
    /// calendar arithmetic (checked against DST changes in range as in any search), starting at
    /// the seconds: every field above matched already. Nil when that will not do (no elapse, a
    /// gap or repeat in the way): the general search decides then.
    private mutating func stepDirectly() -> Int64? {
        let start = Int(last) + 1
        // Days counted from the month's end are worked out afresh at the start's time of day,
        // which a DST change could move: those patterns check every field again.
        let firstStage: ElapseSearch<WallClock>.Stage = spec.pattern.endOfMonth ? .top : .second
        guard let result = spec.wallClockSearch(from: lastFields, wall: start / 1_000_000 + lastFields.utcOffset,
                                                micro: start % 1_000_000, firstStage: firstStage, zone: searchZone,
                                                isUTC: spec.pattern.utc),
              case .elapse(let next) = result.elapse, let fields = result.fields else { return nil }
        last = next
        lastFields = fields
        return next
    }
}

extension CalendarSpec {
    /// The elapses after `usec` (µs since the epoch), in order; `zone` is the local zone
    /// unless the expression names one.
    public func elapses(afterMicroseconds usec: Int64, zone: ZoneRules) -> CalendarElapses {
        CalendarElapses(spec: self, after: usec, zone: zone)
    }
}
