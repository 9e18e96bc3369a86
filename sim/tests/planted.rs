//! The simulator must catch deliberate bugs: each planted bug is found within a bounded number
//! of seeds. Run with `cargo test -p ferrite-sim --features planted-bugs --test planted`.
#![cfg(feature = "planted-bugs")]

use ferrite_sim::scenario::{self, RunOptions};

/// Seeds a planted bug gets before the test gives up on the simulator.
const SEED_BUDGET: u64 = 100;

fn first_failing_seed(scenario_name: &str, bug: &str) -> Option<u64> {
    let found_scenario = scenario::find(scenario_name).expect("scenario exists");
    let options = RunOptions {
        trace: false,
        planted: vec![bug.to_string()],
    };
    let found =
        (1..=SEED_BUDGET).find(|&seed| (found_scenario.run)(seed, &options).failure.is_some());
    scenario::plant(&[]);
    found
}

#[test]
fn planted_bugs_are_caught() {
    // One test, so the process-wide planted-bug switch is never shared between threads.
    let cases = [
        ("single-node", "lost-write"),
        ("single-node", "stale-get"),
        ("single-node-aof", "ack-before-fsync"),
        ("single-node-aof", "skip-dir-fsync"),
        ("single-node-aof", "replay-twice"),
        ("single-node-aof-everysec", "replay-twice"),
        ("single-node-aof-everysec", "everysec-no-fsync"),
        ("pubsub", "pubsub-drop"),
    ];
    for (scenario_name, bug) in cases {
        let seed = first_failing_seed(scenario_name, bug);
        assert!(
            seed.is_some(),
            "planted bug {bug} went unnoticed for {SEED_BUDGET} seeds of {scenario_name}"
        );
        println!(
            "planted bug {bug}: first caught by seed {} of {scenario_name}",
            seed.unwrap()
        );
    }
}
