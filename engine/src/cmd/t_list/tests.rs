//! Tests of the list commands; every expectation was checked against redis-server 7.0.15.

use crate::testing::client;

#[test]
fn smoke() {
    let mut t = client();
    assert_eq!(t.run(&["rpush", "k", "a", "b", "c"]), ":3\r\n");
}
