//! Errors of the validate crate.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("Failed to read {}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The bytes are not valid in the encoding the table is read with.
    #[error("{message}")]
    Encoding { message: String },
    /// The file is not what its format says (a broken workbook, bad JSON...).
    #[error("{message}")]
    Format { message: String },
    /// The source could not be read at all (missing file, unknown sheet...).
    #[error("{message}")]
    Source { message: String },
    #[error(transparent)]
    Descriptor(#[from] datapackage::Error),
}

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    pub fn source(message: impl Into<String>) -> Error {
        Error::Source {
            message: message.into(),
        }
    }

    pub fn format(message: impl Into<String>) -> Error {
        Error::Format {
            message: message.into(),
        }
    }

    pub fn encoding(message: impl Into<String>) -> Error {
        Error::Encoding {
            message: message.into(),
        }
    }
}
