/// The search itself: from a start to the next elapse, by plain calendar arithmetic where
/// that gives glibc's answer, by glibc's mktime rules where it might not.
extension CalendarSpec {
    public func elapse(afterMicroseconds usec: Int64, zone localZone: ZoneRules) -> Elapse {
        search(after: usec, cachedStart: nil, zone: localZone).elapse
    }

    /// The result, and the broken-down local time of the elapse (for the next search).
    struct SearchResult {
        var elapse: Elapse
        var fields: BrokenDownTime?
        /// True when `fields` is the very candidate the search settled on (every field of the
        /// pattern matches it), not merely the local time of the instant.
        var fieldsAreCandidate = false
    }

    /// `cachedStart`, when given, is the broken-down local time of the whole second `usec + 1`
    /// falls in (with offset and DST flag): it spares working it out again. When it is also a
    /// candidate the previous search settled on (`startIsCandidate`), the fields above the
    /// seconds need no checking.
    func search(after usec: Int64, cachedStart: BrokenDownTime?, startIsCandidate: Bool = false,
                zone localZone: ZoneRules) -> SearchResult {
        guard usec >= 0, usec <= CalendarSpec.latestFormattableMicroseconds else { return SearchResult(elapse: .outOfRange) }
        let start = Int(usec) + 1
        let seconds = start / 1_000_000
        let micro = start % 1_000_000
        // Days counted from the month's end are worked out afresh at the start's time of day,
        // which a gap or repeated hour can move: those are checked again.
        let firstStage: ElapseSearch<WallClock>.Stage =
            cachedStart != nil && startIsCandidate && !pattern.endOfMonth ? .second : .top
        if pattern.utc {
            var from = cachedStart ?? BrokenDownTime(fieldsOfEpochSeconds: seconds, offset: 0)
            from.isDST = 0
            var search = ElapseSearch(plan: plan, clock: WallClock(isUTC: true, startWall: seconds))
            switch search.findNext(from: from, microsecond: micro, startingAt: firstStage) {
            case .never: return SearchResult(elapse: .never)
            case .endlessLoop: return SearchResult(elapse: .endlessLoop)
            case .found(let microsecond):
                var tm = search.final
                tm.utcOffset = 0
                tm.isDST = 0
                return SearchResult(elapse: .elapse(Int64(search.clock.finalWall) * 1_000_000 + Int64(microsecond)),
                                    fields: tm, fieldsAreCandidate: true)
            }
        }
        let zone = explicitZone ?? localZone
        return search(seconds: seconds, micro: micro, cachedStart: cachedStart, firstStage: firstStage, in: zone)
    }

    private func search(seconds: Int, micro: Int, cachedStart: BrokenDownTime?,
                        firstStage: ElapseSearch<WallClock>.Stage, in zone: ZoneRules) -> SearchResult {
        if pattern.dst < 0 {
            var from: BrokenDownTime
            if let cachedStart {
                from = cachedStart
            } else {
                let type = zone.localType(at: seconds)
                from = BrokenDownTime(fieldsOfEpochSeconds: seconds, offset: type.offset)
                from.isDST = type.isDST ? 1 : 0
            }
            if let result = wallClockSearch(from: from, wall: seconds + from.utcOffset, micro: micro,
                                            firstStage: firstStage, zone: zone) {
                return result
            }
        }
        let from = zone.breakDown(seconds)
        var search = ElapseSearch(plan: plan, clock: GlibcMktimeClock(zone: zone, offsetGuess: -from.utcOffset))
        switch search.findNext(from: from, microsecond: micro) {
        case .never: return SearchResult(elapse: .never)
        case .endlessLoop: return SearchResult(elapse: .endlessLoop)
        case .found(let microsecond):
            var tm = search.final
            guard let t = search.clock.makeTime(&tm), t >= 0 else { return SearchResult(elapse: .outOfRange) }
            return SearchResult(elapse: .elapse(Int64(t) * 1_000_000 + Int64(microsecond)), fields: tm)
        }
    }

    /// The search in plain calendar arithmetic. Its answer is glibc's whenever no wall-clock
    /// time it looked at lies in a DST gap or repeated hour: checked first over the whole range
    /// it covered, then, if that range holds such a stretch, time by time in a second pass.
    /// Nil when it did meet one (the caller then follows glibc's mktime step by step).
    @inline(__always)
    func wallClockSearch(from: BrokenDownTime, wall: Int, micro: Int, firstStage: ElapseSearch<WallClock>.Stage,
                         zone: ZoneRules, isUTC: Bool = false) -> SearchResult? {
        var search = ElapseSearch(plan: plan, clock: WallClock(isUTC: isUTC, startWall: wall))
        var outcome = search.findNext(from: from, microsecond: micro, startingAt: firstStage)
        if search.clock.unsure { return nil }
        // With no gap, repeat or DST-flag change in range, the answer keeps the start's offset.
        var offsetIsKnown = true
        if zone.touchesAmbiguity(from: search.clock.lowest, through: search.clock.highest) {
            offsetIsKnown = false
            let stretches = zone.ambiguities(from: search.clock.lowest, through: search.clock.highest, limit: 4)
            guard stretches.count <= 4 else { return nil }
            search = ElapseSearch(plan: plan, clock: WallClock(isUTC: isUTC, startWall: wall, watching: stretches))
            outcome = search.findNext(from: from, microsecond: micro, startingAt: firstStage)
            if search.clock.unsure { return nil }
        }
        switch outcome {
        case .never: return SearchResult(elapse: .never)
        case .endlessLoop: return SearchResult(elapse: .endlessLoop)
        case .found(let microsecond):
            var tm = search.final
            let finalWall = search.clock.finalWall
            if offsetIsKnown {
                tm.utcOffset = from.utcOffset
                tm.isDST = from.isDST
            } else {
                guard let t = zone.instant(ofWall: finalWall, guessingOffset: from.utcOffset) else { return nil }
                let type = zone.localType(at: t)
                tm.utcOffset = type.offset
                tm.isDST = type.isDST ? 1 : 0
            }
            let t = finalWall - tm.utcOffset
            guard t >= 0 else { return nil }
            return SearchResult(elapse: .elapse(Int64(t) * 1_000_000 + Int64(microsecond)), fields: tm,
                                fieldsAreCandidate: true)
        }
    }
}
