//! `data search [QUERY]`: the registry's packages that match, a page at a
//! time (private and unlisted ones only for their members).

use anyhow::{Context, Result};
use registry_api::search::{SearchQuery, SearchSort};

use crate::cli::{SearchArgs, SearchSortArg};
use crate::client::Client;
use crate::commands::Status;
use crate::printer::Printer;
use crate::settings::{DpmHome, Remote};

pub fn run(args: &SearchArgs, registry: Option<&str>, printer: &Printer) -> Result<Status> {
    if args.page == 0 {
        anyhow::bail!("--page counts from 1");
    }
    if !(1..=100).contains(&args.per_page) {
        anyhow::bail!("--per-page takes 1 to 100");
    }
    let home = DpmHome::locate()?;
    let remote = Remote::resolve(&home, registry)?;
    remote.note_token_problem(printer);
    let client = Client::new(&remote.registry, remote.token.clone())?;
    let query = SearchQuery {
        q: args.query.clone().filter(|q| !q.trim().is_empty()),
        publisher: args.publisher.clone(),
        sort: Some(match args.sort {
            SearchSortArg::Name => SearchSort::Name,
            SearchSortArg::Recent => SearchSort::Recent,
            SearchSortArg::Downloads => SearchSort::Downloads,
        }),
        page: Some(args.page),
        per_page: Some(args.per_page),
    };
    let found = client.search(&query).context("the search failed")?;
    if args.json.json {
        printer.json(&found)?;
        return Ok(Status::Success);
    }
    if found.results.is_empty() {
        if found.total > 0 {
            printer.line(&format!(
                "no results on page {} ({} in all): try a lower --page",
                found.page, found.total
            ))?;
        } else {
            printer.line("no packages found")?;
        }
        return Ok(Status::Success);
    }
    for p in &found.results {
        printer.line(&format!(
            "{}/{}\t{}\trevision {}\t{} {}",
            p.owner,
            p.name,
            p.title.as_deref().unwrap_or("-"),
            p.latest_revision,
            p.downloads,
            if p.downloads == 1 {
                "download"
            } else {
                "downloads"
            }
        ))?;
    }
    let pages = (found.total as u64).div_ceil(u64::from(found.per_page.max(1)));
    if pages > 1 {
        printer.status(&format!(
            "page {} of {pages} ({} results; --page N for more)",
            found.page, found.total
        ));
    }
    Ok(Status::Success)
}
