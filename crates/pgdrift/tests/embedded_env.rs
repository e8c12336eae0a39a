//! The embedded server's environment settings. One test in its own binary, because it
//! changes process-wide environment variables.

use pgdrift::pg::embedded::{EmbeddedError, EmbeddedServer};

#[test]
fn bad_settings_are_clear_errors() {
    std::env::set_var("PGDRIFT_PG_BIN", "/nonexistent/bin");
    let err = EmbeddedServer::start().unwrap_err();
    assert!(matches!(err, EmbeddedError::BadBinDir { .. }), "{err:?}");
    assert!(
        err.to_string().contains("PGDRIFT_PG_BIN=/nonexistent/bin"),
        "{err}"
    );
    std::env::remove_var("PGDRIFT_PG_BIN");

    std::env::set_var("PGDRIFT_PG_USER", "no_such_user_for_pgdrift");
    let result = EmbeddedServer::start();
    std::env::remove_var("PGDRIFT_PG_USER");
    if nix::unistd::geteuid().is_root() {
        let err = result.unwrap_err();
        assert!(
            matches!(err, EmbeddedError::NoUnprivilegedUser { .. }),
            "{err:?}"
        );
        assert!(err.to_string().contains("refuses to run as root"), "{err}");
    } else {
        assert!(result.is_ok(), "not root: the user setting does not matter");
    }
}
