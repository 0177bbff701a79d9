//! `provider-sidecar`: serves JSON-RPC on stdio by default; subcommands for people and CI.

mod cli;

#[global_allocator]
static ALLOCATOR: provider_sidecar::heap::SidecarAllocator =
    provider_sidecar::heap::SidecarAllocator;

fn main() {
    let code = cli::run();
    // Exit without waiting for tokio's blocking stdin reader, which never returns on its own.
    std::process::exit(code);
}
