//! The yardstick of `bench/push.sh`: SHA-256 of a file with the `sha2`
//! crate (SHA-NI where the CPU has it), read in 1 MiB chunks, as `data
//! push` hashes. `sha256_file FILE` prints the hex digest.

use std::io::Read;

use sha2::{Digest, Sha256};

fn main() -> std::io::Result<()> {
    let Some(path) = std::env::args().nth(1) else {
        return Err(std::io::Error::other("usage: sha256_file FILE"));
    };
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    #[allow(clippy::print_stdout)]
    {
        println!("{}", hex::encode(hasher.finalize()));
    }
    Ok(())
}
