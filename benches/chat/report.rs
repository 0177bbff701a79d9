//! Statistics and printing: CPU, context switches and system calls from `/proc`, series of runs,
//! medians, quantiles and ratios.

use std::time::Duration;

use crate::clients::Run;

/// What a process spent: CPU time of every thread (`/proc/<pid>/task/*/schedstat`), context switches of
/// every thread, and read/write system calls (`/proc/<pid>/io`). Zero where `/proc` is not available.
/// Threads that already exited are not counted, so compare over spans in which the process keeps its
/// threads (tokio workers and the stdio threads live on).
#[derive(Debug, Clone, Copy, Default)]
pub struct Usage {
    pub cpu: Duration,
    pub context_switches: u64,
    pub reads: u64,
    pub writes: u64,
}

impl Usage {
    pub fn of(pid: &str) -> Usage {
        let mut usage = Usage::default();
        if let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) {
            for task in tasks.filter_map(Result::ok) {
                let read = |name: &str| std::fs::read_to_string(task.path().join(name)).ok();
                if let Some(nanos) = read("schedstat")
                    .and_then(|s| s.split_whitespace().next().and_then(|n| n.parse().ok()))
                {
                    usage.cpu += Duration::from_nanos(nanos);
                }
                usage.context_switches += read("status")
                    .map(|status| {
                        field_sum(
                            &status,
                            &["voluntary_ctxt_switches:", "nonvoluntary_ctxt_switches:"],
                        )
                    })
                    .unwrap_or(0);
            }
        }
        if let Ok(io) = std::fs::read_to_string(format!("/proc/{pid}/io")) {
            usage.reads = field_sum(&io, &["syscr:"]);
            usage.writes = field_sum(&io, &["syscw:"]);
        }
        usage
    }

    pub fn since(self, before: Usage) -> Usage {
        Usage {
            cpu: self.cpu.saturating_sub(before.cpu),
            context_switches: self
                .context_switches
                .saturating_sub(before.context_switches),
            reads: self.reads.saturating_sub(before.reads),
            writes: self.writes.saturating_sub(before.writes),
        }
    }
}

pub fn field_sum(text: &str, names: &[&str]) -> u64 {
    text.lines()
        .filter_map(|line| {
            let name = names.iter().find(|name| line.starts_with(*name))?;
            line[name.len()..].trim().parse::<u64>().ok()
        })
        .sum()
}

pub fn usage_of<T>(pid: &str, work: impl FnOnce() -> T) -> (T, Usage) {
    let before = Usage::of(pid);
    let out = work();
    (out, Usage::of(pid).since(before))
}

pub fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[values.len() / 2]
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

#[derive(Default)]
pub struct Series {
    pub total: Vec<Duration>,
    pub first: Vec<Duration>,
    pub usage: Vec<Usage>,
}

impl Series {
    pub fn push(&mut self, (run, usage): (Run, Usage), expected_deltas: Option<usize>) {
        if let Some(expected) = expected_deltas {
            assert_eq!(run.deltas, expected);
        }
        self.total.push(run.total);
        self.first.push(run.first);
        self.usage.push(usage);
    }

    pub fn cpu(&self) -> Duration {
        median(self.usage.iter().map(|u| u.cpu).collect())
    }

    pub fn line(&self, name: &str) -> String {
        let p50 = |f: fn(&Usage) -> u64| {
            let mut all: Vec<u64> = self.usage.iter().map(f).collect();
            all.sort_unstable();
            all[all.len() / 2]
        };
        format!(
            "  {name:<24}: {:>7.1} ms (min {:>6.1}, max {:>6.1}), first delta {:>5.2} ms | cpu {:>6.1} ms, {:>6} ctx sw, {:>6} reads, {:>6} writes",
            ms(median(self.total.clone())),
            ms(*self.total.iter().min().expect("a run")),
            ms(*self.total.iter().max().expect("a run")),
            ms(median(self.first.clone())),
            ms(self.cpu()),
            p50(|u| u.context_switches),
            p50(|u| u.reads),
            p50(|u| u.writes),
        )
    }
}

/// The `q` quantile (0..=1) of `values`, nearest rank.
pub fn quantile(mut values: Vec<Duration>, q: f64) -> Duration {
    values.sort();
    let rank = ((values.len() as f64 * q).ceil() as usize).clamp(1, values.len());
    values[rank - 1]
}

pub fn ratio(side: Duration, bare: Duration) -> f64 {
    side.as_secs_f64() / bare.as_secs_f64().max(1e-9)
}
