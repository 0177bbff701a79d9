//! Provider and model queries over the merged catalog (catalog ← config ← discovered models):
//! `provider/list`, `provider/catalog`, `provider/get`, `model/list`, `model/get`, `model/default`.

use std::sync::Arc;

use crate::app::connections::auth_view;
use crate::app::errors::catalog_error;
use crate::app::state::ServerState;
use crate::catalog::{
    AnswerPiece, DefaultModelResult, ModelDescriptor, ModelGetParams, ModelListJson,
    ModelListParams, ProviderCatalogResult, ProviderDescriptor, ProviderGetParams,
    ProviderListResult,
};
use crate::rpc::context::RequestContext;
use crate::rpc::error::RpcError;
use crate::rpc::message::OutgoingMessage;
use crate::rpc::method::{Method, NoParams};

pub struct ProviderList;

impl Method<ServerState> for ProviderList {
    const NAME: &'static str = "provider/list";
    const SUMMARY: &'static str = "Every provider (catalog and config) with its connection state and credential source; never a secret.";
    type Params = NoParams;
    type Result = ProviderListResult;

    async fn call(
        state: Arc<ServerState>,
        _params: NoParams,
        _cx: RequestContext,
    ) -> Result<ProviderListResult, RpcError> {
        let merged = state.catalog.runtime(&state)?.merged().await;
        Ok(merged.provider_list(&auth_view(&state, &merged).await))
    }
}

pub struct ProviderCatalog;

impl Method<ServerState> for ProviderCatalog {
    const NAME: &'static str = "provider/catalog";
    const SUMMARY: &'static str = "Providers for a picker: connected first, then popular, then by name; with aliases and auth methods.";
    type Params = NoParams;
    type Result = ProviderCatalogResult;

    async fn call(
        state: Arc<ServerState>,
        _params: NoParams,
        _cx: RequestContext,
    ) -> Result<ProviderCatalogResult, RpcError> {
        let merged = state.catalog.runtime(&state)?.merged().await;
        Ok(merged.provider_catalog(&auth_view(&state, &merged).await))
    }
}

pub struct ProviderGet;

impl Method<ServerState> for ProviderGet {
    const NAME: &'static str = "provider/get";
    const SUMMARY: &'static str = "One provider's descriptor.";
    type Params = ProviderGetParams;
    type Result = ProviderDescriptor;

    async fn call(
        state: Arc<ServerState>,
        params: ProviderGetParams,
        _cx: RequestContext,
    ) -> Result<ProviderDescriptor, RpcError> {
        let merged = state.catalog.runtime(&state)?.merged().await;
        merged
            .provider_get(&params.provider_id, &auth_view(&state, &merged).await)
            .map_err(catalog_error)
    }
}

pub struct ModelList;

impl Method<ServerState> for ModelList {
    const NAME: &'static str = "model/list";
    const SUMMARY: &'static str = "Model descriptors (capabilities, limits, costs, modalities, status, runtime protocol, call options), filtered by provider, capabilities, status and connection.";
    type Params = ModelListParams;
    type Result = ModelListJson;

    /// The answer is written from the rendered descriptors, not serialized again.
    fn write_result(result: &ModelListJson, out: &mut OutgoingMessage) -> serde_json::Result<()> {
        let pieces = result.answer_pieces();
        let len = pieces.iter().map(AnswerPiece::len).sum();
        out.writer().reserve(len);
        for piece in pieces {
            match piece {
                AnswerPiece::Literal(bytes) => out.push_bytes(bytes),
                AnswerPiece::Rendered(json, range) => out.push_bytes(&json[range]),
            }
        }
        Ok(())
    }

    async fn call(
        state: Arc<ServerState>,
        params: ModelListParams,
        _cx: RequestContext,
    ) -> Result<ModelListJson, RpcError> {
        let merged = state.catalog.runtime(&state)?.merged().await;
        merged
            .model_list_json(&params, &auth_view(&state, &merged).await)
            .map_err(catalog_error)
    }
}

pub struct ModelGet;

impl Method<ServerState> for ModelGet {
    const NAME: &'static str = "model/get";
    const SUMMARY: &'static str =
        "One model's descriptor; `model_not_found` carries close model ids as suggestions.";
    type Params = ModelGetParams;
    type Result = ModelDescriptor;

    async fn call(
        state: Arc<ServerState>,
        params: ModelGetParams,
        _cx: RequestContext,
    ) -> Result<ModelDescriptor, RpcError> {
        let merged = state.catalog.runtime(&state)?.merged().await;
        merged
            .model_get(
                &params.provider_id,
                &params.model_id,
                &auth_view(&state, &merged).await,
            )
            .map_err(catalog_error)
    }
}

pub struct ModelDefault;

impl Method<ServerState> for ModelDefault {
    const NAME: &'static str = "model/default";
    const SUMMARY: &'static str = "The default model (config `model`, else the stored preference, else OpenCode's priority among connected providers) and the small model.";
    type Params = NoParams;
    type Result = DefaultModelResult;

    async fn call(
        state: Arc<ServerState>,
        _params: NoParams,
        _cx: RequestContext,
    ) -> Result<DefaultModelResult, RpcError> {
        let runtime = state.catalog.runtime(&state)?;
        let merged = runtime.merged().await;
        let preferences = runtime.preferences.get().await;
        Ok(merged.default_model(
            &runtime.config,
            Some(&preferences),
            &auth_view(&state, &merged).await,
        ))
    }
}
