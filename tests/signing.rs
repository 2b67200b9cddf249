mod common;
#[test]
fn scratch() {
    let pki = common::pki::generate(std::path::Path::new("/root/scratch-signing/pki"));
    let _ = pki;
}
