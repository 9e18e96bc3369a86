//! The RESP2/RESP3 codec: request parsing ([`parse`]) and reply encoding ([`reply`]).
pub mod parse;
pub mod reply;

pub use parse::{ProtocolError, RequestParser};
pub use reply::{Protocol, Reply};
