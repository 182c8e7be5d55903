/// Which wording a check-in uses on its n-th fire: each round is a seeded shuffle of all
/// wordings, so none repeats until every one was used, and a round never starts with the
/// wording the previous round ended on.
public struct MessageRotation: Sendable {
    public let seedBase: UInt64

    public init(seedBase: UInt64) { self.seedBase = seedBase }

    public func index(checkin: String, fireNumber n: Int, messageCount count: Int) -> Int {
        guard count > 1, n >= 0 else { return 0 }
        if count == 2 {
            // Two wordings with no repeat across rounds can only alternate.
            var rng = SeededRandom(base: seedBase, ["rotation", checkin])
            return (n + rng.below(2)) % 2
        }
        let round = n / count
        var order = shuffle(checkin: checkin, round: round, count: count)
        // The fix only touches positions 0 and 1, so the previous round's last entry (position
        // count-1 ≥ 2) is its raw shuffle.
        if round > 0, order[0] == shuffle(checkin: checkin, round: round - 1, count: count)[count - 1] {
            order.swapAt(0, 1)
        }
        return order[n % count]
    }

    /// Fisher–Yates with our own generator, so the order never changes with the Swift version.
    private func shuffle(checkin: String, round: Int, count: Int) -> [Int] {
        var rng = SeededRandom(base: seedBase, ["rotation", checkin, String(round)])
        var order = Array(0..<count)
        var i = count - 1
        while i > 0 {
            order.swapAt(i, rng.below(i + 1))
            i -= 1
        }
        return order
    }
}
