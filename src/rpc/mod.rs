//! JSON-RPC transport, method table, errors and the OpenRPC document.
