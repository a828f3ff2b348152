/// Adler-32 style rolling checksum over a byte buffer.
pub struct RollingChecksum {
    lower_accumulator: u32,
    upper_accumulator: u32,
}

const CHECKSUM_MODULUS: u32 = 65_521;

impl RollingChecksum {
    pub fn new() -> Self {
        RollingChecksum { lower_accumulator: 1, upper_accumulator: 0 }
    }

    pub fn update_with_bytes(&mut self, input_bytes: &[u8]) {
        for &current_byte in input_bytes {
            self.lower_accumulator = (self.lower_accumulator + current_byte as u32) % CHECKSUM_MODULUS;
            self.upper_accumulator = (self.upper_accumulator + self.lower_accumulator) % CHECKSUM_MODULUS;
        }
    }

    pub fn finalized_checksum(&self) -> u32 {
        (self.upper_accumulator << 16) | self.lower_accumulator
    }
}
