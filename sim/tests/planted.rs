//! The simulator must catch deliberate bugs: each planted bug is found within a bounded number
//! of seeds. Run with `cargo test -p ferrite-sim --features planted-bugs --test planted`.
#![cfg(feature = "planted-bugs")]

use ferrite_sim::scenario::{self, RunOptions};

/// Seeds a planted bug gets before the test gives up on the simulator.
const SEED_BUDGET: u64 = 100;

fn first_failing_seed(bug: &str) -> Option<u64> {
    let scenario = scenario::find("single-node").unwrap();
    let options = RunOptions {
        trace: false,
        planted: vec![bug.to_string()],
    };
    let found = (1..=SEED_BUDGET).find(|&seed| (scenario.run)(seed, &options).failure.is_some());
    scenario::plant(&[]);
    found
}

#[test]
fn planted_bugs_are_caught() {
    // One test, so the process-wide planted-bug switch is never shared between threads.
    for bug in ["lost-write", "stale-get"] {
        let seed = first_failing_seed(bug);
        assert!(
            seed.is_some(),
            "planted bug {bug} went unnoticed for {SEED_BUDGET} seeds"
        );
        println!("planted bug {bug}: first caught by seed {}", seed.unwrap());
    }
}
