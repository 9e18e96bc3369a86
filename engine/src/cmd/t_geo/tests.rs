//! Tests of the geo commands.

use crate::testing::client;

#[test]
fn smoke() {
    let mut t = client();
    assert_eq!(t.run(&["geoadd", "k", "13.361389", "38.115556", "Palermo"]), ":1\r\n");
}
