//! Plain-text tables for the people-facing CLI (`provider-sidecar models list`, `providers`).

use super::descriptors::{ModelDescriptor, ProviderDescriptor};

fn render(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.len()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        padded.join("  ").trim_end().to_owned()
    };
    let mut out = line(header.to_vec());
    for row in rows {
        out.push('\n');
        out.push_str(&line(row.iter().map(String::as_str).collect()));
    }
    out.push('\n');
    out
}

fn tokens(n: u64) -> String {
    match n {
        0 => "?".to_owned(),
        n if n >= 1_000_000 && n % 1_000_000 == 0 => format!("{}M", n / 1_000_000),
        n if n >= 1000 => format!("{}k", n / 1000),
        n => n.to_string(),
    }
}

pub fn models_table(models: &[ModelDescriptor]) -> String {
    let rows: Vec<Vec<String>> = models
        .iter()
        .map(|m| {
            vec![
                m.id.clone(),
                tokens(m.context_window),
                tokens(m.max_output_tokens),
                m.protocol.as_str().to_owned(),
                m.status.as_str().to_owned(),
                if m.connected { "yes" } else { "" }.to_owned(),
            ]
        })
        .collect();
    render(
        &[
            "MODEL",
            "CONTEXT",
            "OUTPUT",
            "PROTOCOL",
            "STATUS",
            "CONNECTED",
        ],
        &rows,
    )
}

pub fn providers_table(providers: &[ProviderDescriptor]) -> String {
    let rows: Vec<Vec<String>> = providers
        .iter()
        .map(|p| {
            vec![
                p.id.clone(),
                p.name.clone(),
                p.model_count.to_string(),
                p.env.join(","),
                if p.connected { "yes" } else { "" }.to_owned(),
            ]
        })
        .collect();
    render(&["PROVIDER", "NAME", "MODELS", "ENV", "CONNECTED"], &rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{
        MergedCatalog, ModelListParams, NoCredentials, snapshot::embedded_catalog,
    };
    use crate::config::SidecarConfig;

    #[test]
    fn tables_list_rows_aligned() {
        let merged = MergedCatalog::build(&embedded_catalog(), &SidecarConfig::default());
        let params = ModelListParams {
            provider_id: Some("anthropic".into()),
            ..Default::default()
        };
        let models = merged
            .model_list(&params, &NoCredentials)
            .expect("list")
            .models;
        let table = models_table(&models);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), models.len() + 1);
        assert!(lines[0].starts_with("MODEL"));
        let sonnet = lines
            .iter()
            .find(|l| l.starts_with("anthropic/claude-sonnet-4-5 "))
            .expect("row");
        assert!(
            sonnet.contains("200k") && sonnet.contains("64k") && sonnet.contains("anthropic"),
            "{sonnet}"
        );
        let column = lines[0].find("CONTEXT").expect("header");
        assert!(
            lines[1..]
                .iter()
                .all(|l| l.chars().nth(column - 1) == Some(' '))
        );
        let listed = merged.provider_list(&NoCredentials).providers;
        let providers = providers_table(&listed);
        assert_eq!(
            providers.lines().count(),
            listed.len() + 1,
            "a header, then a row each"
        );
        assert!(
            providers
                .lines()
                .any(|l| l.starts_with("zai ") && l.contains("ZHIPU_API_KEY"))
        );
    }
}
