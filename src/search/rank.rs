//! Ranking signals that do not come from the text: connection, popularity, recency, status.

use std::cmp::Ordering;

use super::aliases::popular_rank;
use super::types::SearchDoc;
use crate::model_spec::ModelStatus;

const CONNECTED_FACTOR: f32 = 1.5;
const POPULAR_FACTOR: f32 = 1.15;
/// The newest model of the catalog gets this much more than an old one; the bonus halves
/// every `RECENCY_HALF_LIFE_DAYS`.
const RECENCY_WEIGHT: f32 = 0.3;
const RECENCY_HALF_LIFE_DAYS: f32 = 180.0;
const DEPRECATED_FACTOR: f32 = 0.4;
const PRERELEASE_FACTOR: f32 = 0.9;

/// Days since 1970 of a `YYYY-MM-DD` / `YYYY-MM` / `YYYY` date.
pub fn release_day(date: &str) -> Option<i32> {
    let mut it = date.trim().splitn(3, '-');
    let year: i32 = it.next()?.parse().ok()?;
    let month: u32 = it.next().map_or(Some(1), |m| m.parse().ok())?;
    let day: u32 = it
        .next()
        .map_or(Some(1), |d| d.get(..2).unwrap_or(d).parse().ok())?;
    chrono::NaiveDate::from_ymd_opt(year, month, day).map(|d| {
        let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid constant date");
        i32::try_from((d - epoch).num_days()).unwrap_or(0)
    })
}

/// Per-document ranking facts, computed once per index build.
#[derive(Debug, Clone, Copy)]
pub struct Prior {
    pub connected: bool,
    pub popular: Option<usize>,
    pub day: Option<i32>,
    pub deprecated: bool,
    /// Product of every non-text factor; multiplies the text score.
    pub factor: f32,
}

pub fn priors(docs: &[SearchDoc]) -> Vec<Prior> {
    let days: Vec<Option<i32>> = docs
        .iter()
        .map(|d| d.release_date.as_deref().and_then(release_day))
        .collect();
    let newest = days.iter().flatten().max().copied().unwrap_or(0);
    docs.iter()
        .zip(days)
        .map(|(doc, day)| {
            let popular = popular_rank(&doc.provider_id);
            let recency = day.map_or(0.0, |d| {
                (-((newest - d).max(0) as f32) / RECENCY_HALF_LIFE_DAYS).exp2()
            });
            let status = match doc.status {
                ModelStatus::Deprecated => DEPRECATED_FACTOR,
                ModelStatus::Alpha | ModelStatus::Beta => PRERELEASE_FACTOR,
                ModelStatus::Active | ModelStatus::Unknown => 1.0,
            };
            let factor = (if doc.connected { CONNECTED_FACTOR } else { 1.0 })
                * (if popular.is_some() {
                    POPULAR_FACTOR
                } else {
                    1.0
                })
                * (1.0 + RECENCY_WEIGHT * recency)
                * status;
            Prior {
                connected: doc.connected,
                popular,
                day,
                deprecated: doc.status == ModelStatus::Deprecated,
                factor,
            }
        })
        .collect()
}

/// The order shown for an empty query: connected providers, then live models before deprecated,
/// then popular providers in the app's order, then newest, then by id.
pub fn default_order(docs: &[SearchDoc], priors: &[Prior]) -> Vec<u32> {
    let mut order: Vec<u32> = (0..docs.len())
        .map(|i| u32::try_from(i).expect("catalog smaller than 4 billion models"))
        .collect();
    order.sort_by(|&a, &b| {
        let (pa, pb) = (&priors[a as usize], &priors[b as usize]);
        pb.connected
            .cmp(&pa.connected)
            .then(pa.deprecated.cmp(&pb.deprecated))
            .then(
                pa.popular
                    .unwrap_or(usize::MAX)
                    .cmp(&pb.popular.unwrap_or(usize::MAX)),
            )
            .then(pb.day.cmp(&pa.day))
            .then_with(|| by_key(&docs[a as usize], &docs[b as usize]))
    });
    order
}

/// The stable last tie-break: provider id, then model id.
pub fn by_key(a: &SearchDoc, b: &SearchDoc) -> Ordering {
    a.provider_id
        .cmp(&b.provider_id)
        .then_with(|| a.model_id.cmp(&b.model_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(provider: &str, model: &str, date: &str) -> SearchDoc {
        SearchDoc {
            provider_id: provider.into(),
            model_id: model.into(),
            release_date: Some(date.into()),
            ..SearchDoc::default()
        }
    }

    #[test]
    fn release_days_parse_partial_dates() {
        assert_eq!(release_day("1970-01-02"), Some(1));
        assert_eq!(release_day("2025-06"), release_day("2025-06-01"));
        assert_eq!(release_day("soon"), None);
    }

    #[test]
    fn default_order_is_connected_live_popular_newest() {
        let mut docs = vec![
            doc("groq", "old", "2023-01-01"),
            doc("groq", "new", "2025-01-01"),
            doc("openai", "gpt", "2024-01-01"),
            doc("mistral", "connected", "2022-01-01"),
            doc("anthropic", "retired", "2025-01-01"),
        ];
        docs[3].connected = true;
        docs[4].status = ModelStatus::Deprecated;
        let p = priors(&docs);
        let order: Vec<&str> = default_order(&docs, &p)
            .into_iter()
            .map(|i| docs[i as usize].model_id.as_str())
            .collect();
        assert_eq!(order, ["connected", "gpt", "new", "old", "retired"]);
    }

    #[test]
    fn factors_reward_connection_and_recency_and_punish_deprecation() {
        let mut docs = vec![doc("x", "a", "2020-01-01"), doc("x", "b", "2025-01-01")];
        let p = priors(&docs);
        assert!(p[1].factor > p[0].factor);
        docs[1].status = ModelStatus::Deprecated;
        docs[0].connected = true;
        let p = priors(&docs);
        assert!(p[0].factor > p[1].factor);
    }
}
