//! Typed JSON columns.

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::SqlValue;
use crate::error::BoxError;

/// A column holding any serde type as JSON (`jsonb` on PostgreSQL, `JSON` on MySQL/MariaDB,
/// text on SQLite).
///
/// # Examples
///
/// ```
/// use covet::Json;
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
/// struct Settings {
///     theme: String,
///     font_size: u8,
/// }
///
/// #[covet::model]
/// struct Profile {
///     #[covet(primary_key)]
///     id: i64,
///     settings: Json<Settings>,
/// }
///
/// let settings = Json(Settings { theme: "dark".into(), font_size: 14 });
/// assert_eq!(settings.font_size, 14);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Json<T>(pub T);

impl<T> std::ops::Deref for Json<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> std::ops::DerefMut for Json<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}

impl<T> SqlValue for Json<T>
where
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
{
    type Native = serde_json::Value;

    fn to_native(&self) -> Result<serde_json::Value, BoxError> {
        Ok(serde_json::to_value(&self.0)?)
    }

    fn from_native(native: serde_json::Value) -> Result<Self, BoxError> {
        Ok(Json(serde_json::from_value(native)?))
    }
}
