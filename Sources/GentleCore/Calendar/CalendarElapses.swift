/// The elapses of an expression one after another, each strictly after the previous: what
/// `systemd-analyze calendar --iterations` lists. Each step gives the same answer as
/// `CalendarSpec.nextElapse(afterMicroseconds:zone:)` from the previous elapse; it only keeps
/// the broken-down time of the previous elapse instead of working it out again.
///
///     for usec in spec.elapses(afterMicroseconds: now, zone: zone).prefix(5) { … }
public struct CalendarElapses: Sequence, IteratorProtocol, Sendable {
    let spec: CalendarSpec
    let zone: ZoneRules
    private var last: Int64
    private var lastFields: BrokenDownTime?
    private var lastFieldsAreCandidate = false
    /// Why the sequence ended: `.never`, `.endlessLoop` or `.outOfRange`; nil while it runs.
    public private(set) var end: CalendarSpec.Elapse?

    init(spec: CalendarSpec, after usec: Int64, zone: ZoneRules) {
        self.spec = spec
        self.zone = zone
        last = usec
    }

    public mutating func next() -> Int64? {
        guard end == nil else { return nil }
        // The cached fields describe the whole second of the previous elapse; they fit the
        // next start unless that start is in the following second.
        let cached = last % 1_000_000 < 999_999 ? lastFields : nil
        let result = spec.search(after: last, cachedStart: cached, startIsCandidate: lastFieldsAreCandidate, zone: zone)
        guard case .elapse(let next) = result.elapse else {
            end = result.elapse
            return nil
        }
        last = next
        lastFields = result.fields
        lastFieldsAreCandidate = result.fieldsAreCandidate
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
