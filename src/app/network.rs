//! The network settings in force outside a session: config `network` over the proxy variables of
//! the start-time environment snapshot. Sign-in, token refresh, catalog refresh and model
//! discovery use them; a chat adds its session's own `env` (see `session::network`).

use std::collections::HashMap;

use serde_json::Value;

use super::errors::net_error;
use crate::net::{NetworkProfile, NetworkSettings};
use crate::rpc::error::RpcError;

/// Config `network` resolved against `env`; a malformed section is a config error naming the
/// field.
pub fn process_profile(
    config: Option<&Value>,
    env: &HashMap<String, String>,
) -> Result<NetworkProfile, RpcError> {
    let settings = network_settings(config)?;
    Ok(NetworkProfile::resolve(&settings, |name| {
        env.get(name).map(String::as_str)
    }))
}

/// Config `network`, checked.
pub fn network_settings(config: Option<&Value>) -> Result<NetworkSettings, RpcError> {
    NetworkSettings::from_config(config).map_err(|err| net_error(&err))
}
