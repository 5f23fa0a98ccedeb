//! A tiny deterministic PRNG (SplitMix64): the demo must give identical bytes
//! on every machine and every run, so no OS entropy and no external crate.

#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [lo, hi), from the top 53 bits.
    pub fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        let unit = (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        lo + (hi - lo) * unit
    }

    /// A child seed, so adding a run never shifts the random stream of the others.
    pub fn derive(seed: u64, salt: &str) -> u64 {
        let mut r = Rng::new(seed ^ 0xA076_1D64_78BD_642F);
        for b in salt.bytes() {
            r.0 ^= b as u64;
            r.next_u64();
        }
        r.next_u64()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix_known_answer() {
        // SplitMix64 reference output for seed 0 (Vigna's splitmix64.c).
        let mut r = Rng::new(0);
        assert_eq!(r.next_u64(), 0xE220_A839_7B1D_CDAF);
    }

    #[test]
    fn uniform_stays_in_range() {
        let mut r = Rng::new(7);
        for _ in 0..1000 {
            let v = r.uniform(-1.0, 2.0);
            assert!((-1.0..2.0).contains(&v));
        }
    }
}
