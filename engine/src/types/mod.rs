//! Data structures of the non-string value types, one file each. Commands on them live in
//! `crate::cmd::t_<type>`; the keyspace holds them through `keyspace::Value`.

pub mod bitmap;
pub mod geo;
pub mod geohash;
pub mod hash;
pub mod hll;
pub mod list;
pub mod set;
pub mod set_table;
pub mod stream;
pub mod zset;
