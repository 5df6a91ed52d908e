//! Searching and listing packages.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::package::PackageSummary;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum SearchSort {
    /// By name, A to Z (the default).
    #[default]
    Name,
    /// Most recently published first.
    Recent,
    /// Most downloaded first.
    Downloads,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Free text, matched against name, title and description.
    #[serde(default)]
    pub q: Option<String>,
    /// Only this publisher's packages.
    #[serde(default)]
    pub publisher: Option<String>,
    #[serde(default)]
    pub sort: Option<SearchSort>,
    /// 1-based page number.
    #[serde(default)]
    pub page: Option<u32>,
    /// Results per page, 1 to 100 (default 20).
    #[serde(default)]
    pub per_page: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SearchResponse {
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
    pub results: Vec<PackageSummary>,
}
