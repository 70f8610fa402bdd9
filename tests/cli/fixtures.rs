//! The vendored fixtures are byte-exact copies of the shared reference fixtures: never edited.

use sha2::{Digest, Sha256};

use crate::harness::fixtures;

#[test]
fn fixtures_are_unchanged() {
    let root = fixtures();
    let sums = std::fs::read_to_string(root.join("SHA256SUMS")).unwrap();
    let mut checked = 0;
    for line in sums.lines() {
        let (hash, path) = line.split_once("  ").expect("sha256sum line");
        let bytes = std::fs::read(root.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
        let got = format!("{:x}", Sha256::digest(&bytes));
        assert_eq!(got, hash, "fixture {path} differs from the shared copy");
        checked += 1;
    }
    // 100 files: the small cluster and the config.yaml corpus.
    assert_eq!(checked, 100);
}
