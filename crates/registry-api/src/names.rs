//! The naming rules for users, publishers, packages and tags.
//!
//! Names are `[a-z0-9][a-z0-9._-]*`, at most 64 characters. A few names are
//! reserved because they are URL segments of the registry itself.

/// Longest name accepted.
pub const MAX_NAME_LEN: usize = 64;

/// Publisher names that are paths of the registry (`/api`, `/search`, …).
pub const RESERVED_PUBLISHER_NAMES: &[&str] = &[
    "api",
    "admin",
    "assets",
    "static",
    "search",
    "login",
    "logout",
    "signup",
    "settings",
    "catalog",
    "catalog.csv",
    "docs",
    "health",
    "new",
    "browse",
    "about",
    "favicon.ico",
    "robots.txt",
];

/// Why a name was refused, in words for a person.
pub fn check_name(kind: &str, name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err(format!("{kind} name is empty"));
    }
    if name.len() > MAX_NAME_LEN {
        return Err(format!(
            "{kind} name {name:?} is {} characters long; the limit is {MAX_NAME_LEN}",
            name.len()
        ));
    }
    let mut chars = name.chars();
    let first = chars.next().unwrap_or('-');
    if !(first.is_ascii_lowercase() || first.is_ascii_digit()) {
        return Err(format!(
            "{kind} name {name:?} must start with a lower-case letter or a digit ([a-z0-9][a-z0-9._-]*)"
        ));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-')))
    {
        return Err(format!(
            "{kind} name {name:?} contains {bad:?}; use only a-z, 0-9, '.', '_' and '-'"
        ));
    }
    Ok(())
}

/// Rules for a publisher (and so a user) name: the general rule, and not a
/// path the registry uses itself.
pub fn check_publisher_name(name: &str) -> Result<(), String> {
    check_name("publisher", name)?;
    if RESERVED_PUBLISHER_NAMES.contains(&name) {
        return Err(format!(
            "publisher name {name:?} is reserved; choose another"
        ));
    }
    Ok(())
}

/// Rules for a package name: the general rule, and not shaped like a UUID
/// (unlisted packages are reachable at `/{owner}/{uuid}`).
pub fn check_package_name(name: &str) -> Result<(), String> {
    check_name("package", name)?;
    if looks_like_uuid(name) {
        return Err(format!(
            "package name {name:?} has the shape of a UUID, which the registry keeps for unlisted links"
        ));
    }
    Ok(())
}

/// Rules for a tag name: the general rule, and not all digits (`@3` means
/// revision 3) nor `latest` (which always means the newest revision).
pub fn check_tag_name(name: &str) -> Result<(), String> {
    check_name("tag", name)?;
    if name.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "tag name {name:?} is a number, which would read as a revision; add a letter"
        ));
    }
    if name == "latest" {
        return Err("tag name \"latest\" is kept for the newest revision".to_string());
    }
    Ok(())
}

/// `8-4-4-4-12` hex digits with dashes.
pub fn looks_like_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_rule() {
        for ok in ["a", "co2-ppm", "gdp.2024", "x_y", "0abc"] {
            assert!(check_name("package", ok).is_ok(), "{ok}");
        }
        for bad in ["", "-a", ".a", "A", "ab c", "ab/c", "é", &"a".repeat(65)] {
            assert!(check_name("package", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn reserved_and_special_names() {
        assert!(check_publisher_name("api").is_err());
        assert!(check_publisher_name("core").is_ok());
        assert!(check_package_name("0b5a6a2e-1f1c-4bd4-a1b6-17e4b5b0e0c1").is_err());
        assert!(check_tag_name("12").is_err());
        assert!(check_tag_name("latest").is_err());
        assert!(check_tag_name("v1.2").is_ok());
    }
}
