//! Announcements (maintenance and the like) shown to signed-in customers for a period.

use crate::error::StoreResult;
use crate::infra::reads::{Arg, Reads};
use domain::Lang;
use sqlx::AnyPool;

/// The texts of the announcements running at `now`, in `lang`, oldest first.
pub async fn current<'r>(
    reads: impl Into<Reads<'r>>,
    now: i64,
    lang: Lang,
) -> StoreResult<Vec<String>> {
    let column = match lang {
        Lang::Nl => "text_nl",
        Lang::Fr => "text_fr",
        Lang::En => "text_en",
    };
    let sql = format!(
        "SELECT {column} FROM announcements WHERE ends_at > $1 AND starts_at <= $1
         ORDER BY starts_at, id"
    );
    let texts: Vec<(String,)> = reads.into().all(&sql, &[Arg::Int(now)]).await?;
    Ok(texts.into_iter().map(|(text,)| text).collect())
}

/// Schedules an announcement between two moments (epoch seconds).
pub async fn create(
    pool: &AnyPool,
    now: i64,
    starts_at: i64,
    ends_at: i64,
    texts: [&str; 3],
) -> StoreResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO announcements (starts_at, ends_at, text_nl, text_fr, text_en, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(starts_at)
    .bind(ends_at)
    .bind(texts[0])
    .bind(texts[1])
    .bind(texts[2])
    .bind(now)
    .fetch_one(pool)
    .await?)
}
