//! `provider-sidecar`: serves JSON-RPC on stdio by default; subcommands for people and CI.

mod cli;

fn main() {
    let code = cli::run();
    // Exit without waiting for tokio's blocking stdin reader, which never returns on its own.
    std::process::exit(code);
}
