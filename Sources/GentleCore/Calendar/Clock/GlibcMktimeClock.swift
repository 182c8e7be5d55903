/// glibc 2.36's `mktime` (time/mktime.c), step for step: probe `localtime` starting from the
/// offset the previous call ended with, detect oscillation in a spring-forward gap, search
/// ±601200 s strides for a requested DST flag, then fall back to a one-hour shift. The carried
/// `offsetGuess` is what makes repeated wall-clock hours resolve the way systemd resolves them.
struct GlibcMktimeClock: ConversionClock {
    static var isPure: Bool { false }
    let zone: ZoneRules
    /// glibc's static `localtime_offset`: minus the UTC offset found by the previous call.
    var offsetGuess: Int

    init(zone: ZoneRules, offsetGuess: Int) {
        self.zone = zone
        self.offsetGuess = offsetGuess
    }

    @inline(__always) private static func isDSTDiffer(_ a: Int, _ b: Int) -> Bool {
        ((a == 0) != (b == 0)) && a >= 0 && b >= 0
    }

    mutating func makeTime(_ tp: inout BrokenDownTime) -> Int? {
        let (year, yday) = Civil.yearAndYearDay(of: tp)
        let hour = tp.hour
        let minute = tp.minute
        let requestedSecond = tp.second
        let second = min(max(requestedSecond, 0), 59)
        let isdst = tp.isDST
        let negativeOffsetGuess = 0 &- offsetGuess

        func difference(to tm: BrokenDownTime) -> Int {
            Civil.secondsBetween(year1: year, yday1: yday, hour1: hour, min1: minute, sec1: second,
                                 year0: tm.year, yday0: tm.yearDay, hour0: tm.hour, min0: tm.minute, sec0: tm.second)
        }

        let t0 = Civil.secondsBetween(year1: year, yday1: yday, hour1: hour, min1: minute, sec1: second,
                                      year0: 70, yday0: 0, hour0: 0, min0: 0, sec0: negativeOffsetGuess)
        var t = t0, t1 = t0, t2 = t0
        var previousWasDST = 0
        var remainingProbes = 6
        var tm = zone.breakDown(t)
        var oscillating = false
        while true {
            tm = zone.breakDown(t)
            let dt = difference(to: tm)
            if dt == 0 { break }
            let probeDST = tm.isDST != 0 ? 1 : 0
            if t == t1 && t != t2
                && (tm.isDST < 0 || (isdst < 0 ? previousWasDST <= probeDST : (isdst != 0 ? 1 : 0) != probeDST)) {
                // A spring-forward gap: keep the probe we are on, as glibc does.
                oscillating = true
                break
            }
            remainingProbes -= 1
            if remainingProbes == 0 { return nil }
            t1 = t2
            t2 = t
            t += dt
            previousWasDST = probeDST
        }

        if !oscillating && GlibcMktimeClock.isDSTDiffer(isdst, tm.isDST) {
            let dstDifference = (isdst == 0 ? 1 : 0) - (tm.isDST == 0 ? 1 : 0)
            let stride = 601_200
            let deltaBound = 457_243_209 / 2 + stride
            var repaired = false
            var delta = stride
            probing: while delta < deltaBound {
                for direction in [-1, 1] {
                    let ot = t + delta * direction
                    let otm = zone.breakDown(ot)
                    if !GlibcMktimeClock.isDSTDiffer(isdst, otm.isDST) {
                        let gt = ot + difference(to: otm)
                        tm = zone.breakDown(gt)
                        t = gt
                        repaired = true
                        break probing
                    }
                }
                delta += stride
            }
            if !repaired {
                t += 3600 * dstDifference
                tm = zone.breakDown(t)
            }
        }

        offsetGuess = t &- t0 &- negativeOffsetGuess
        if requestedSecond != tm.second {
            var adjustment = second == 0 && tm.second == 60 ? 1 : 0
            adjustment += requestedSecond - second
            t += adjustment
            tm = zone.breakDown(t)
        }
        tp = tm
        return t
    }
}
