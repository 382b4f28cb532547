//! `maintcal schema`: the JSON Schemas of what maintcal prints or writes
//! for other programs, generated (schemars) from the very types that
//! serialize it, so a schema cannot drift from the output. Copies are
//! published under `docs/schema/`, and a test keeps them equal to these.

use crate::cli::SchemaOf;
use std::io::Write;

/// The schema of `list --format json`: an array of rows (each line of
/// `--format ndjson` is one such row).
fn list() -> schemars::Schema {
    let mut schema = schemars::schema_for!(Vec<crate::list::Row>);
    schema.insert(
        "title".into(),
        "maintcal list --format json".to_owned().into(),
    );
    schema.insert(
        "description".into(),
        "One object per occurrence and group, ordered by start then group. \
         Each line of `--format ndjson` is one item of this array."
            .to_owned()
            .into(),
    );
    schema
}

/// Prints the schema asked for, as pretty JSON with a final newline.
pub(crate) fn print(of: SchemaOf, out: &mut dyn Write) -> anyhow::Result<()> {
    let schema = match of {
        SchemaOf::List => list(),
        SchemaOf::Feeds => crate::render::manifest::schema(),
    };
    serde_json::to_writer_pretty(&mut *out, &schema)?;
    writeln!(out)?;
    Ok(())
}
