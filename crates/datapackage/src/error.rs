//! Errors of the datapackage crate.

use std::fmt;

/// One problem in a descriptor, with the place it is at, written the way a
/// person would look for it: `resources[1].schema.fields[3].type`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DescriptorError {
    pub path: String,
    pub message: String,
}

impl DescriptorError {
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> DescriptorError {
        DescriptorError {
            path: path.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for DescriptorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for DescriptorError {}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("Failed to read {path}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("Failed to parse {path} as JSON")]
    Json {
        path: String,
        #[source]
        source: serde_json::Error,
    },
    #[error("Failed to parse {path} as YAML")]
    Yaml {
        path: String,
        #[source]
        source: serde_yaml::Error,
    },
    #[error("Invalid descriptor: {}", .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<DescriptorError>),
}
