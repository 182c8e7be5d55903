/// Deterministic randomness for random windows, jitter and rotation. The same config, day and
/// check-in always give the same numbers, so `gentle next` shows exactly what the daemon will do.
/// (Swift's `Hasher` is seeded per process, so it cannot be used here.)
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// A generator for one purpose, derived from a base seed and the parts that name the purpose.
    public init(base: UInt64, _ parts: [String]) {
        var h = base ^ 0x9E37_79B9_7F4A_7C15
        for part in parts { h = StableHash.fnv1a(part, seed: h) }
        self.init(seed: h)
    }

    /// SplitMix64: tiny, fast, and good enough for spreading a few moments over a day.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in `0..<bound` (bound > 0).
    public mutating func below(_ bound: Int) -> Int {
        guard bound > 1 else { return 0 }
        return Int(next() % UInt64(bound))
    }
}

public enum StableHash {
    /// FNV-1a over the UTF-8 bytes, continuing from `seed`.
    public static func fnv1a(_ text: String, seed: UInt64 = 0xCBF2_9CE4_8422_2325) -> UInt64 {
        var h = seed
        for byte in text.utf8 {
            h ^= UInt64(byte)
            h = h &* 0x0000_0100_0000_01B3
        }
        return h
    }
}
