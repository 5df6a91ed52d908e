//! Checks a zipped workbook (xlsx, xlsb, ods) before anything inflates it,
//! and tells those formats apart.

use std::io::{Read, Seek};
use std::panic::{catch_unwind, AssertUnwindSafe};

use super::{Kind, Limits};

/// Refuses zip bombs and tells xlsx, xlsb and ods apart; errors are the
/// detail of a format error.
pub(super) fn inspect_zip<R: Read + Seek>(reader: R, limits: &Limits) -> Result<Kind, String> {
    // The zip crate parses untrusted headers; keep any panic of it here.
    catch_unwind(AssertUnwindSafe(|| inspect(reader, limits)))
        .unwrap_or_else(|_| Err("invalid zip archive".into()))
}

fn inspect<R: Read + Seek>(reader: R, limits: &Limits) -> Result<Kind, String> {
    let mut archive =
        zip::ZipArchive::new(reader).map_err(|e| format!("invalid zip archive: {e}"))?;
    if archive.len() > limits.max_entries {
        return Err(format!(
            "the archive has {} entries, more than the limit of {}",
            archive.len(),
            limits.max_entries
        ));
    }
    let mut total: u64 = 0;
    let (mut has_mimetype, mut has_xlsx, mut has_xlsb) = (false, false, false);
    for index in 0..archive.len() {
        let entry = archive
            .by_index_raw(index)
            .map_err(|e| format!("invalid zip archive: {e}"))?;
        let (size, compressed) = (entry.size(), entry.compressed_size());
        total = total.saturating_add(size);
        if size > limits.ratio_floor_bytes && size / compressed.max(1) > limits.max_ratio {
            return Err(format!(
                "its entry {} expands {compressed} bytes to {size} (more than {}:1), a likely zip bomb",
                entry.name(),
                limits.max_ratio
            ));
        }
        match entry.name() {
            "mimetype" => has_mimetype = true,
            "xl/workbook.xml" => has_xlsx = true,
            "xl/workbook.bin" => has_xlsb = true,
            _ => {}
        }
    }
    if total > limits.max_uncompressed_bytes {
        return Err(format!(
            "it expands to {total} bytes, more than the limit of {}",
            limits.max_uncompressed_bytes
        ));
    }
    // Neither the zip crate nor calamine stops an entry at its declared
    // size, so a lying header could hide any amount of data: check every
    // entry (each inflation stops one byte past what it declares).
    verify_sizes(&mut archive, limits)?;
    if has_mimetype && is_ods(&mut archive) {
        Ok(Kind::Ods)
    } else if has_xlsx {
        Ok(Kind::Xlsx)
    } else if has_xlsb {
        Ok(Kind::Xlsb)
    } else {
        Err("it is a zip archive but neither an Excel nor an OpenDocument spreadsheet".into())
    }
}

fn is_ods<R: Read + Seek>(archive: &mut zip::ZipArchive<R>) -> bool {
    const ODS: &[u8] = b"application/vnd.oasis.opendocument.spreadsheet";
    let Ok(entry) = archive.by_name("mimetype") else {
        return false;
    };
    let mut head = Vec::with_capacity(64);
    entry.take(64).read_to_end(&mut head).is_ok() && head.trim_ascii_end() == ODS
}

/// Inflates every entry, counting, to hold the archive to its declared sizes.
fn verify_sizes<R: Read + Seek>(
    archive: &mut zip::ZipArchive<R>,
    limits: &Limits,
) -> Result<(), String> {
    let mut total: u64 = 0;
    for index in 0..archive.len() {
        let entry = archive
            .by_index(index)
            .map_err(|e| format!("invalid zip archive: {e}"))?;
        let declared = entry.size();
        let name = entry.name().to_owned();
        let budget = limits
            .max_uncompressed_bytes
            .saturating_sub(total)
            .min(declared);
        let mut limited = entry.take(budget.saturating_add(1));
        let actual = std::io::copy(&mut limited, &mut std::io::sink())
            .map_err(|e| format!("its entry {name} is corrupt: {e}"))?;
        if actual > declared {
            return Err(format!(
                "its entry {name} expands past its declared size of {declared} bytes"
            ));
        }
        total = total.saturating_add(actual);
        if total > limits.max_uncompressed_bytes {
            return Err(format!(
                "it expands to more than the limit of {} bytes",
                limits.max_uncompressed_bytes
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::io::{Cursor, Write};

    use zip::write::SimpleFileOptions;
    use zip::CompressionMethod;

    use super::*;

    fn archive(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
        for (name, bytes) in entries {
            writer.start_file(*name, options).unwrap();
            writer.write_all(bytes).unwrap();
        }
        writer.finish().unwrap().into_inner()
    }

    fn small_limits() -> Limits {
        Limits {
            max_uncompressed_bytes: 1 << 20,
            max_entries: 10,
            max_ratio: 100,
            ratio_floor_bytes: 1 << 19,
        }
    }

    #[test]
    fn tells_formats_apart() {
        let xlsx = archive(&[
            ("[Content_Types].xml", b"<x/>"),
            ("xl/workbook.xml", b"<x/>"),
        ]);
        assert_eq!(
            inspect_zip(Cursor::new(xlsx), &Limits::default()),
            Ok(Kind::Xlsx)
        );
        let xlsb = archive(&[("xl/workbook.bin", b"\0")]);
        assert_eq!(
            inspect_zip(Cursor::new(xlsb), &Limits::default()),
            Ok(Kind::Xlsb)
        );
        let ods = archive(&[
            (
                "mimetype",
                b"application/vnd.oasis.opendocument.spreadsheet",
            ),
            ("content.xml", b"<x/>"),
        ]);
        assert_eq!(
            inspect_zip(Cursor::new(ods), &Limits::default()),
            Ok(Kind::Ods)
        );
        let text = archive(&[
            ("mimetype", b"application/vnd.oasis.opendocument.text"),
            ("content.xml", b"<x/>"),
        ]);
        let error = inspect_zip(Cursor::new(text), &Limits::default()).unwrap_err();
        assert!(
            error.contains("neither an Excel nor an OpenDocument"),
            "{error}"
        );
    }

    #[test]
    fn refuses_a_highly_compressed_entry() {
        // 2 MiB of zeros deflate to a few KiB: over 100:1 and over the floor.
        let zeros = vec![0u8; 2 << 20];
        let bomb = archive(&[("xl/workbook.xml", b"<x/>"), ("xl/big.xml", &zeros)]);
        let limits = Limits {
            max_uncompressed_bytes: 1 << 30,
            ..small_limits()
        };
        let error = inspect_zip(Cursor::new(bomb), &limits).unwrap_err();
        assert!(error.contains("likely zip bomb"), "{error}");
    }

    #[test]
    fn refuses_too_many_bytes_in_total() {
        let half = vec![b'a'; 600 << 10];
        let big = archive(&[("xl/workbook.xml", &half), ("xl/other.xml", &half)]);
        let limits = Limits {
            ratio_floor_bytes: u64::MAX,
            ..small_limits()
        };
        let error = inspect_zip(Cursor::new(big), &limits).unwrap_err();
        assert!(error.contains("more than the limit of 1048576"), "{error}");
    }

    #[test]
    fn refuses_too_many_entries() {
        let names: Vec<String> = (0..11).map(|i| format!("xl/{i}.xml")).collect();
        let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b"x"[..])).collect();
        let error = inspect_zip(Cursor::new(archive(&entries)), &small_limits()).unwrap_err();
        assert!(error.contains("11 entries"), "{error}");
    }

    #[test]
    fn catches_an_entry_lying_about_its_size() {
        let zeros = vec![0u8; 2 << 20];
        let mut bytes = archive(&[("xl/workbook.xml", &zeros)]);
        // Declare 100 bytes uncompressed in the local and central headers.
        let patch = |bytes: &mut Vec<u8>, signature: &[u8], offset: usize| {
            let at = bytes
                .windows(4)
                .position(|w| w == signature)
                .expect("header present");
            bytes[at + offset..at + offset + 4].copy_from_slice(&100u32.to_le_bytes());
        };
        patch(&mut bytes, b"PK\x03\x04", 22);
        patch(&mut bytes, b"PK\x01\x02", 24);
        let error = inspect_zip(Cursor::new(bytes), &small_limits()).unwrap_err();
        assert!(
            error.contains("declared size") || error.contains("corrupt"),
            "{error}"
        );
    }

    #[test]
    fn garbage_is_not_an_archive() {
        let error = inspect_zip(
            Cursor::new(b"PK\x03\x04 not really".to_vec()),
            &Limits::default(),
        )
        .unwrap_err();
        assert!(error.starts_with("invalid zip archive"), "{error}");
    }
}
