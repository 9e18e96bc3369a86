//! Geo command vectors recorded from redis-server 7.0.15.
