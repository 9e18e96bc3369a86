//! Reference implementations the fuzz targets check Ferrite against. Each is written to be
//! obviously correct rather than fast, and shares no code with the engine it checks:
//!
//! - [`request`]: a request parser (RESP multibulk and inline) over a whole input at once;
//! - [`frame`]: a RESP2/RESP3 reply decoder into a value tree;
//! - [`model`]: a plain in-memory model of a Redis keyspace for the command-sequence target.
pub mod frame;
pub mod model;
pub mod request;
