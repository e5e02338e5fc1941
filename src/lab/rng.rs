//! The lab's one source of chance: SplitMix64, seeded from the scenario (or `--seed`).
//!
//! No OS randomness and no clock: the same seed gives the same run on every machine, natively
//! and in the browser. Each consumer (a host's stack, the cable) gets its own stream, split
//! off the seed, so adding a draw in one place does not shift the others.

/// SplitMix64 (Steele, Lea and Flood): tiny, fast, and good enough for loss draws and seeds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rng(u64);

impl Rng {
    /// A stream from a seed.
    pub const fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// A second, independent stream for the consumer named `salt`.
    pub fn split(&self, salt: u64) -> Self {
        let mut r = Self(self.0 ^ salt.wrapping_mul(0xA076_1D64_78BD_642F));
        Self(r.next_u64())
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`0` when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next_u64() % n }
    }

    /// True with probability `p` (0 to 1). Integer arithmetic only, so the draw is the same on
    /// every platform.
    pub fn chance(&mut self, p: f64) -> bool {
        if p <= 0.0 {
            return false;
        }
        // 53 bits, like an f64's mantissa: `p` maps to an exact threshold.
        let threshold = (p.min(1.0) * (1u64 << 53) as f64) as u64;
        (self.next_u64() >> 11) < threshold
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_stream_and_splits_differ() {
        let (mut a, mut b) = (Rng::new(7), Rng::new(7));
        assert_eq!(a.next_u64(), b.next_u64());
        let (mut s1, mut s2) = (a.split(1), a.split(2));
        assert_ne!(s1.next_u64(), s2.next_u64());
        assert!(!a.chance(0.0));
        assert!(a.chance(1.0));
    }
}
