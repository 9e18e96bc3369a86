//! Checkers: they judge a run's recorded history against what the design promises.
pub mod journal;
pub mod linearizable;
pub mod pubsub;
