//! The LSP lifecycle as the transport sees it: `initialized` received, `shutdown` answered (later
//! requests are refused), and why serving stopped. The application's `initialize` and `shutdown`
//! handlers set it; the dispatcher reads it.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio_util::sync::CancellationToken;

/// Why the server stopped serving.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopReason {
    /// stdin closed.
    Eof,
    /// `exit` notification; `after_shutdown` tells whether `shutdown` came first.
    Exit { after_shutdown: bool },
    /// SIGTERM or SIGINT.
    Signal,
    /// The host process named in `initialize.processId` exited; `after_shutdown` as for `Exit`.
    HostExited { after_shutdown: bool },
    /// Reading stdin failed.
    ReadError,
}

impl StopReason {
    /// LSP convention: `exit` without a prior `shutdown` exits 1; everything else exits 0.
    pub fn exit_code(self) -> i32 {
        match self {
            StopReason::Exit {
                after_shutdown: false,
            }
            | StopReason::HostExited {
                after_shutdown: false,
            } => 1,
            _ => 0,
        }
    }
}

/// Shared by the dispatcher and the application's lifecycle handlers.
#[derive(Debug, Default)]
pub struct Lifecycle {
    initialized: AtomicBool,
    shutdown_requested: AtomicBool,
    /// Cancelled when the host process has exited: serving stops as on `exit`.
    host_exited: Mutex<CancellationToken>,
}

impl Lifecycle {
    /// The client sent `initialized`.
    pub fn mark_initialized(&self) {
        self.initialized.store(true, Ordering::SeqCst);
    }

    pub fn is_initialized(&self) -> bool {
        self.initialized.load(Ordering::SeqCst)
    }

    /// `shutdown` was answered: every later request but `exit` is refused.
    pub fn request_shutdown(&self) {
        self.shutdown_requested.store(true, Ordering::SeqCst);
    }

    pub fn is_shutting_down(&self) -> bool {
        self.shutdown_requested.load(Ordering::SeqCst)
    }

    /// The token to cancel when the host process exits (the application watches it).
    pub fn host_exit(&self) -> CancellationToken {
        self.host_exited
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Back to the start, for another run over the same state (an in-process server).
    pub fn reset(&self) {
        self.initialized.store(false, Ordering::SeqCst);
        self.shutdown_requested.store(false, Ordering::SeqCst);
        *self.host_exited.lock().unwrap_or_else(|p| p.into_inner()) = CancellationToken::new();
    }
}

/// Resolves on SIGTERM or SIGINT (Ctrl-C on other platforms).
pub(super) async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let term = signal(SignalKind::terminate());
        let int = signal(SignalKind::interrupt());
        match (term, int) {
            (Ok(mut term), Ok(mut int)) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = int.recv() => {}
                }
            }
            _ => std::future::pending::<()>().await,
        }
    }
    #[cfg(not(unix))]
    {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_exit_before_shutdown_exits_1() {
        let exits = [
            (StopReason::Eof, 0),
            (StopReason::Signal, 0),
            (StopReason::ReadError, 0),
            (
                StopReason::Exit {
                    after_shutdown: true,
                },
                0,
            ),
            (
                StopReason::Exit {
                    after_shutdown: false,
                },
                1,
            ),
            (
                StopReason::HostExited {
                    after_shutdown: true,
                },
                0,
            ),
            (
                StopReason::HostExited {
                    after_shutdown: false,
                },
                1,
            ),
        ];
        for (reason, code) in exits {
            assert_eq!(reason.exit_code(), code, "{reason:?}");
        }
    }

    #[test]
    fn a_reset_forgets_the_run_before() {
        let lifecycle = Lifecycle::default();
        lifecycle.mark_initialized();
        lifecycle.request_shutdown();
        let exited = lifecycle.host_exit();
        exited.cancel();
        assert!(lifecycle.is_initialized() && lifecycle.is_shutting_down());
        assert!(lifecycle.host_exit().is_cancelled());
        lifecycle.reset();
        assert!(!lifecycle.is_initialized() && !lifecycle.is_shutting_down());
        assert!(!lifecycle.host_exit().is_cancelled());
    }
}
