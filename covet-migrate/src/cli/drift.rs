//! `drift`: the live database against the snapshot of its latest applied migration.

use std::io::Write;

use super::Context;
use super::help::PROGRAM;
use super::output::{Failure, count};
use crate::drift::drift as compare;
use crate::files::FilesError;
use crate::run::Migrator;
use crate::snapshot::Schema;

/// `drift`: prints every difference between the database and the schema its latest applied
/// migration left; fails when there is one.
///
/// The snapshot is the latest *applied* migration's rather than the folder's latest, so that
/// pending migrations are not reported as drift.
pub(super) async fn drift(context: &Context<'_>, out: &mut dyn Write) -> Result<(), Failure> {
    let dir = context.open_dir()?;
    let migrator = Migrator::from_dir(&dir)?;
    let db = context.connect().await?;
    let result = async {
        let status = migrator.status(&db).await?;
        let latest = status.applied().last().and_then(|version| {
            migrator
                .migrations()
                .iter()
                .find(|m| m.version() == version)
        });
        let (expected, against) = match latest {
            Some(migration) => {
                let name = migration.dir_name();
                let path = dir.path().join(&name).join("snapshot.json");
                let text = std::fs::read_to_string(&path).map_err(|source| {
                    if source.kind() == std::io::ErrorKind::NotFound {
                        FilesError::MissingFile {
                            migration: name.clone(),
                            file: "snapshot.json",
                        }
                    } else {
                        FilesError::Io {
                            path: path.clone(),
                            source,
                        }
                    }
                })?;
                let schema = Schema::from_json(&text).map_err(|source| FilesError::Snapshot {
                    migration: name.clone(),
                    source,
                })?;
                (
                    schema,
                    format!("the snapshot of {name}, the latest applied migration"),
                )
            }
            None => (
                Schema::default(),
                "an empty schema: no migration is applied".to_owned(),
            ),
        };
        let found = compare(&db, &expected).await.map_err(Failure::error)?;
        let pending = status.pending().count();
        let note = if pending > 0 {
            format!(
                " ({} not applied yet, not compared)",
                count(pending, "pending migration")
            )
        } else {
            String::new()
        };
        if found.is_empty() {
            writeln!(out, "No drift: the database matches {against}{note}.")?;
            return Ok(());
        }
        writeln!(out, "The database differs from {against}{note}:")?;
        for difference in &found.differences {
            writeln!(out, "  {difference}")?;
        }
        writeln!(
            out,
            "The database was changed outside the migrations: undo the change, or make it part \
             of the models and of a migration (`{PROGRAM} makemigrations`)."
        )?;
        Err(Failure::Reported)
    }
    .await;
    db.close().await;
    result
}
