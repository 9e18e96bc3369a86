//! `ferrite-sim`: list scenarios, replay one seed, or run many seeds (swarm) on every core.
//!
//!   ferrite-sim list
//!   ferrite-sim run --scenario NAME --seed N [--trace] [--plant BUG]
//!   ferrite-sim swarm --scenario NAME --seeds A..B [--threads N] [--plant BUG] [--check-determinism]
//!
//! Every run prints its seed, trace hash and faults; every failure prints the one command that
//! replays it. The exit status is non-zero when any run fails.
// Wall time and threads here only schedule and time whole runs; nothing inside a run uses them.
#![allow(clippy::disallowed_methods, clippy::disallowed_types)]

use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use ferrite_sim::scenario::{self, Outcome, RunOptions};

const USAGE: &str = "usage:
  ferrite-sim list
  ferrite-sim run --scenario NAME --seed N [--trace] [--plant BUG]
  ferrite-sim swarm --scenario NAME --seeds A..B [--threads N] [--plant BUG] [--check-determinism]";

struct Args {
    command: String,
    scenario: Option<String>,
    seed: Option<u64>,
    seeds: Option<(u64, u64)>,
    threads: Option<usize>,
    trace: bool,
    planted: Vec<String>,
    check_determinism: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut raw = std::env::args().skip(1);
    let command = raw.next().ok_or("missing command")?;
    let mut args = Args {
        command,
        scenario: None,
        seed: None,
        seeds: None,
        threads: None,
        trace: false,
        planted: Vec::new(),
        check_determinism: false,
    };
    while let Some(flag) = raw.next() {
        let mut value = || raw.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--scenario" => args.scenario = Some(value()?),
            "--seed" => args.seed = Some(value()?.parse().map_err(|_| "--seed takes a number")?),
            "--seeds" => {
                let text = value()?;
                let (a, b) = text.split_once("..").ok_or("--seeds takes A..B")?;
                let a: u64 = a.parse().map_err(|_| "bad --seeds start")?;
                let b: u64 = b.parse().map_err(|_| "bad --seeds end")?;
                if b < a {
                    return Err("--seeds A..B needs A <= B".into());
                }
                args.seeds = Some((a, b));
            }
            "--threads" => {
                args.threads = Some(value()?.parse().map_err(|_| "--threads takes a number")?)
            }
            "--trace" => args.trace = true,
            "--plant" => args.planted.push(value()?),
            "--check-determinism" => args.check_determinism = true,
            other => return Err(format!("unknown option {other}")),
        }
    }
    Ok(args)
}

fn scenario_of(args: &Args) -> Result<&'static scenario::Scenario, String> {
    let name = args.scenario.as_deref().ok_or("--scenario is required")?;
    scenario::find(name).ok_or_else(|| format!("no scenario named {name} (see `ferrite-sim list`)"))
}

fn plant_suffix(planted: &[String]) -> String {
    planted.iter().map(|p| format!(" --plant {p}")).collect()
}

fn main() -> ExitCode {
    // A panic inside a run is reported as that run's failure (with its seed); one line is enough.
    std::panic::set_hook(Box::new(|info| eprintln!("panic: {info}")));
    let args = match parse_args() {
        Ok(args) => args,
        Err(error) => {
            eprintln!("{error}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let result = match args.command.as_str() {
        "list" => {
            for s in scenario::SCENARIOS {
                println!("{:<18} {}", s.name, s.about);
            }
            Ok(true)
        }
        "run" => run(&args),
        "swarm" => swarm(&args),
        other => Err(format!("unknown command {other}")),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("{error}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &Args) -> Result<bool, String> {
    let scenario = scenario_of(args)?;
    let seed = args.seed.ok_or("--seed is required")?;
    let options = RunOptions {
        trace: args.trace,
        planted: args.planted.clone(),
    };
    let started = Instant::now();
    let outcome = (scenario.run)(seed, &options);
    for line in &outcome.log {
        println!("{line}");
    }
    println!("{}", outcome.summary());
    println!("wall={:.3}s", started.elapsed().as_secs_f64());
    if outcome.failure.is_some() {
        println!(
            "replay: {}{}",
            outcome.replay_command(),
            plant_suffix(&args.planted)
        );
    }
    Ok(outcome.failure.is_none())
}

fn swarm(args: &Args) -> Result<bool, String> {
    let scenario = scenario_of(args)?;
    let (first, last) = args.seeds.ok_or("--seeds is required")?;
    let threads = args
        .threads
        .unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
        })
        .max(1);
    let options = RunOptions {
        trace: false,
        planted: args.planted.clone(),
    };
    let next = Arc::new(AtomicU64::new(first));
    let failures: Arc<Mutex<Vec<Outcome>>> = Arc::new(Mutex::new(Vec::new()));
    let nondeterministic: Arc<Mutex<Vec<u64>>> = Arc::new(Mutex::new(Vec::new()));
    let totals = Arc::new((AtomicU64::new(0), AtomicU64::new(0), AtomicU64::new(0)));
    let started = Instant::now();
    let workers: Vec<_> = (0..threads)
        .map(|_| {
            let (next, failures, nondeterministic, totals, options) = (
                next.clone(),
                failures.clone(),
                nondeterministic.clone(),
                totals.clone(),
                options.clone(),
            );
            let check = args.check_determinism;
            std::thread::spawn(move || {
                loop {
                    let seed = next.fetch_add(1, Ordering::SeqCst);
                    if seed > last {
                        break;
                    }
                    let outcome = (scenario.run)(seed, &options);
                    if check {
                        let again = (scenario.run)(seed, &options);
                        if again.trace_hash != outcome.trace_hash {
                            nondeterministic.lock().unwrap().push(seed);
                        }
                    }
                    totals.0.fetch_add(1, Ordering::Relaxed);
                    totals
                        .1
                        .fetch_add(outcome.virtual_time.as_micros() as u64, Ordering::Relaxed);
                    totals.2.fetch_add(outcome.ops, Ordering::Relaxed);
                    if outcome.failure.is_some() {
                        println!("{}", outcome.summary());
                        failures.lock().unwrap().push(outcome);
                    }
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().map_err(|_| "a worker thread panicked")?;
    }
    let wall = started.elapsed().as_secs_f64();
    let runs = totals.0.load(Ordering::Relaxed);
    let virtual_s = totals.1.load(Ordering::Relaxed) as f64 / 1e6;
    let mut failures = failures.lock().unwrap();
    failures.sort_by_key(|o| o.seed);
    let nondeterministic = nondeterministic.lock().unwrap();
    println!(
        "swarm scenario={} seeds={first}..{last} runs={runs} failures={} nondeterministic={} wall={wall:.1}s seeds/min={:.0} virtual/wall={:.1}x threads={threads}",
        scenario.name,
        failures.len(),
        nondeterministic.len(),
        runs as f64 / wall * 60.0,
        virtual_s / wall,
    );
    for outcome in failures.iter() {
        println!(
            "replay: {}{}",
            outcome.replay_command(),
            plant_suffix(&args.planted)
        );
    }
    for seed in nondeterministic.iter() {
        println!("nondeterministic: seed {seed} gave two different trace hashes");
    }
    Ok(failures.is_empty() && nondeterministic.is_empty())
}
