//! `provider-sidecar models list [--provider P]` and `provider-sidecar providers`: the catalog
//! (cache or embedded snapshot, merged with `--config`) as tables for people. No network.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use provider_sidecar::app::ProcessEnv;
use provider_sidecar::catalog::table::{models_table, providers_table};
use provider_sidecar::catalog::{CatalogService, CatalogSettings, MergedCatalog, ModelListParams};
use provider_sidecar::config::{SidecarConfig, opencode_import};

pub enum Listing {
    Models { provider: Option<String> },
    Search { query: String, limit: usize },
    Providers,
}

pub fn run(listing: Listing, data_dir: &Path, config: Option<&PathBuf>, env: ProcessEnv) -> i32 {
    let config = match config {
        Some(path) => match SidecarConfig::load_file(path, &env) {
            Ok(config) => config,
            Err(error) => {
                eprintln!("{error}");
                return 2;
            }
        },
        None => SidecarConfig::default(),
    };
    // An OpenCode config imported with `config import` goes under `--config`, as when serving.
    let config = match opencode_import::load_stored(data_dir, &env) {
        Ok(imported) => opencode_import::layered(imported, config),
        Err(error) => {
            eprintln!("the imported OpenCode config does not load, leaving it out: {error}");
            config
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("could not start the async runtime: {error}");
            return 1;
        }
    };
    let settings = CatalogSettings::resolve(&config.catalog, &env);
    let service = CatalogService::new(data_dir, settings);
    let merged: Arc<MergedCatalog> = runtime.block_on(service.merged(&Arc::new(config)));
    let auth = |id: &str| {
        merged
            .provider(id)
            .and_then(|provider| provider_sidecar::catalog::env_credential(provider, &env))
    };
    match listing {
        Listing::Providers => {
            let mut providers = merged.provider_list(&auth).providers;
            providers.sort_by(|a, b| (!a.connected, &a.id).cmp(&(!b.connected, &b.id)));
            print!("{}", providers_table(&providers));
            0
        }
        Listing::Search { query, limit } => search(&merged, &auth, query, limit),
        Listing::Models { provider } => {
            let params = ModelListParams {
                provider_id: provider,
                ..ModelListParams::default()
            };
            match merged.model_list(&params, &auth) {
                Ok(list) => {
                    print!("{}", models_table(&list.models));
                    0
                }
                Err(error) => {
                    eprintln!("{error}");
                    1
                }
            }
        }
    }
}

fn search(
    merged: &MergedCatalog,
    auth: &dyn provider_sidecar::catalog::AuthView,
    query: String,
    limit: usize,
) -> i32 {
    use provider_sidecar::app::search_index::{connected_providers, documents};
    use provider_sidecar::search::{SearchParams, SearchService};

    let connected = connected_providers(merged, auth);
    let (models, providers) = documents(merged, &connected);
    let hits = SearchService::new(models, providers).and_then(|service| {
        service.search(&SearchParams {
            query,
            limit: Some(limit),
            filters: None,
        })
    });
    match hits {
        Ok(hits) => {
            println!(
                "{:<56} {:<40} {:>9} {:>7}",
                "MODEL", "NAME", "CONTEXT", "SCORE"
            );
            for hit in hits {
                let Some((_, model)) = merged.model(&hit.provider_id, &hit.model_id) else {
                    continue;
                };
                println!(
                    "{:<56} {:<40} {:>9} {:>7.2}",
                    format!("{}/{}", hit.provider_id, hit.model_id),
                    model.info.name,
                    model.limit().context,
                    hit.score
                );
            }
            0
        }
        Err(error) => {
            eprintln!("search failed: {error}");
            1
        }
    }
}
