//! Watching the host process named in `initialize.processId`, as LSP servers do.
//!
//! A sidecar normally leaves when its stdin closes, but stdin can outlive the host: an inherited
//! pipe, a grandchild holding it open. So the sidecar also polls the host's liveness and stops
//! serving as soon as the host is gone. Polling is cheap (one system call, plus one small
//! `/proc` read on Linux) and needs no cooperation from the host.

use std::time::Duration;

use tokio_util::sync::CancellationToken;

/// How often the host's liveness is checked: well within the one second in which the sidecar
/// must notice a dead host, rare enough to cost nothing.
pub const POLL_INTERVAL: Duration = Duration::from_millis(250);

/// A process id the host gave us, checked to name one process (never a process group).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HostPid(u32);

/// Why a `processId` cannot be watched.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum HostPidError {
    #[error("processId {0} is not a process id (it must be a positive integer)")]
    OutOfRange(i64),
    #[error(
        "no process {0} is running (pass the host's own process id, or null when the sidecar \
         cannot see it, e.g. from inside a container)"
    )]
    NotRunning(u32),
    #[error("watching the host process is not supported on this platform")]
    Unsupported,
}

impl HostPid {
    /// Checks a pid as it came over the wire: positive, within the platform's range, and alive
    /// now (a pid that is already gone would make the sidecar leave at once, silently).
    pub fn parse(raw: i64) -> Result<HostPid, HostPidError> {
        let pid = u32::try_from(raw)
            .ok()
            .filter(|pid| *pid > 0 && i32::try_from(*pid).is_ok())
            .map(HostPid)
            .ok_or(HostPidError::OutOfRange(raw))?;
        match liveness(pid) {
            Liveness::Alive => Ok(pid),
            Liveness::Gone => Err(HostPidError::NotRunning(pid.0)),
            Liveness::Unknown => Err(HostPidError::Unsupported),
        }
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

/// What a liveness check found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Liveness {
    Alive,
    Gone,
    /// The platform offers no way to tell.
    Unknown,
}

/// A running watch; dropping it stops the watch (a later `initialize` may name another host).
#[derive(Debug)]
pub struct HostWatch {
    pid: HostPid,
    stop: CancellationToken,
}

impl HostWatch {
    /// Polls `pid` every [`POLL_INTERVAL`] on the current tokio runtime and cancels `gone` when
    /// the process has exited.
    pub fn start(pid: HostPid, gone: CancellationToken) -> HostWatch {
        let stop = CancellationToken::new();
        let watch_stop = stop.clone();
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(POLL_INTERVAL);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = watch_stop.cancelled() => return,
                    _ = ticks.tick() => {}
                }
                if liveness(pid) == Liveness::Gone {
                    tracing::info!(pid = pid.0, "the host process exited; stopping");
                    gone.cancel();
                    return;
                }
            }
        });
        HostWatch { pid, stop }
    }

    pub fn pid(&self) -> HostPid {
        self.pid
    }
}

impl Drop for HostWatch {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

/// Whether the process `pid` still runs.
pub fn liveness(pid: HostPid) -> Liveness {
    imp::liveness(pid.0)
}

#[cfg(unix)]
mod imp {
    use super::Liveness;

    pub fn liveness(pid: u32) -> Liveness {
        let Ok(raw) = libc::pid_t::try_from(pid) else {
            return Liveness::Gone;
        };
        // SAFETY: signal 0 sends nothing; kill only checks that the process exists and that we
        // may signal it. `raw` is positive (checked by `HostPid::parse`), so it names one process,
        // never a process group.
        let status = unsafe { libc::kill(raw, 0) };
        if status != 0 {
            return match std::io::Error::last_os_error().raw_os_error() {
                // It exists but belongs to someone else: still alive.
                Some(libc::EPERM) => Liveness::Alive,
                _ => Liveness::Gone,
            };
        }
        if is_zombie(pid) {
            Liveness::Gone
        } else {
            Liveness::Alive
        }
    }

    /// A host that has exited but whose parent has not reaped it yet still answers `kill`; on
    /// Linux its `/proc` state tells (`Z` zombie, `X` dead).
    #[cfg(target_os = "linux")]
    fn is_zombie(pid: u32) -> bool {
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            return false;
        };
        // `pid (comm) S ...`: the command may hold spaces and parentheses, so the state is the
        // first field after the last `)`.
        stat.rfind(')')
            .and_then(|end| stat[end + 1..].split_whitespace().next())
            .is_some_and(|state| state == "Z" || state == "X")
    }

    #[cfg(not(target_os = "linux"))]
    fn is_zombie(_pid: u32) -> bool {
        false
    }
}

#[cfg(windows)]
mod imp {
    use super::Liveness;
    use windows_sys::Win32::Foundation::{
        CloseHandle, ERROR_INVALID_PARAMETER, GetLastError, WAIT_OBJECT_0,
    };
    use windows_sys::Win32::System::Threading::{
        OpenProcess, PROCESS_QUERY_LIMITED_INFORMATION, PROCESS_SYNCHRONIZE, WaitForSingleObject,
    };

    pub fn liveness(pid: u32) -> Liveness {
        // SAFETY: OpenProcess takes plain values and returns a handle or null; a non-null handle
        // is closed below exactly once.
        let handle = unsafe {
            OpenProcess(
                PROCESS_QUERY_LIMITED_INFORMATION | PROCESS_SYNCHRONIZE,
                0,
                pid,
            )
        };
        if handle.is_null() {
            // SAFETY: reads the calling thread's last error code; no pointers involved.
            let error = unsafe { GetLastError() };
            // No such process; anything else (access denied) means it exists.
            return if error == ERROR_INVALID_PARAMETER {
                Liveness::Gone
            } else {
                Liveness::Alive
            };
        }
        // SAFETY: `handle` is a valid process handle opened above with SYNCHRONIZE access; a zero
        // timeout only samples whether the process has ended.
        let ended = unsafe { WaitForSingleObject(handle, 0) } == WAIT_OBJECT_0;
        // SAFETY: `handle` came from OpenProcess and is not used after this.
        unsafe { CloseHandle(handle) };
        if ended {
            Liveness::Gone
        } else {
            Liveness::Alive
        }
    }
}

#[cfg(not(any(unix, windows)))]
mod imp {
    use super::Liveness;

    pub fn liveness(_pid: u32) -> Liveness {
        Liveness::Unknown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pids_that_name_no_single_process_are_rejected() {
        for raw in [0, -1, -42, i64::from(u32::MAX), i64::MAX] {
            assert_eq!(HostPid::parse(raw), Err(HostPidError::OutOfRange(raw)));
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_live_process_is_alive_and_an_exited_one_is_gone_even_before_it_is_reaped() {
        let own = HostPid::parse(i64::from(std::process::id())).expect("we are running");
        assert_eq!(liveness(own), Liveness::Alive);

        let mut child = std::process::Command::new("sleep")
            .arg("30")
            .spawn()
            .expect("spawn sleep");
        let pid = HostPid::parse(i64::from(child.id())).expect("sleep is running");
        assert_eq!(liveness(pid), Liveness::Alive);
        child.kill().expect("kill sleep");
        // Not reaped yet: a zombie until `wait`.
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while liveness(pid) == Liveness::Alive {
            assert!(
                std::time::Instant::now() < deadline,
                "still alive after kill"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        child.wait().expect("reap sleep");
        assert_eq!(liveness(pid), Liveness::Gone);
        assert_eq!(
            HostPid::parse(i64::from(pid.get())),
            Err(HostPidError::NotRunning(pid.get()))
        );
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn the_watch_fires_when_the_host_exits_and_stops_when_dropped() {
        let mut child = std::process::Command::new("sleep")
            .arg("30")
            .spawn()
            .expect("spawn sleep");
        let pid = HostPid::parse(i64::from(child.id())).expect("sleep is running");

        let dropped_gone = CancellationToken::new();
        drop(HostWatch::start(pid, dropped_gone.clone()));

        let gone = CancellationToken::new();
        let watch = HostWatch::start(pid, gone.clone());
        assert_eq!(watch.pid(), pid);
        tokio::time::sleep(POLL_INTERVAL * 2).await;
        assert!(!gone.is_cancelled(), "fired while the host runs");
        child.kill().expect("kill sleep");
        child.wait().expect("reap sleep");
        tokio::time::timeout(POLL_INTERVAL * 4, gone.cancelled())
            .await
            .expect("the watch noticed the exit");
        assert!(!dropped_gone.is_cancelled(), "a dropped watch still fired");
    }
}
