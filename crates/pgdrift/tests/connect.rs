//! Connecting: TLS in every sslmode against a server with a certificate, password
//! authentication, and failures that name the target without its password.

use pgdrift::pg::embedded::{EmbeddedOptions, EmbeddedServer, PgBinaries};
use pgdrift::pg::{connect, ConnInfo, ConnectError};
use pgdrift::testing::embedded_server;
use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair};
use std::path::PathBuf;
use std::sync::OnceLock;

const PASSWORD: &str = "s3cr3t-Pa55";

/// A self-signed certificate authority and its key.
fn certificate_authority() -> (rcgen::Certificate, KeyPair) {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    (params.self_signed(&key).unwrap(), key)
}

struct TlsServer {
    server: EmbeddedServer,
    ca_file: PathBuf,
    _dir: tempfile::TempDir,
}

/// A server listening on 127.0.0.1 with a certificate for `localhost` signed by a private CA,
/// password (SCRAM) authentication over TCP, and a role `pgdrift_pw`.
fn tls_server() -> &'static TlsServer {
    static SERVER: OnceLock<TlsServer> = OnceLock::new();
    SERVER.get_or_init(|| {
        let (ca, ca_key) = certificate_authority();
        let key = KeyPair::generate().unwrap();
        let cert = CertificateParams::new(vec!["localhost".to_string()])
            .unwrap()
            .signed_by(&key, &ca, &ca_key)
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let ca_file = dir.path().join("root.crt");
        std::fs::write(&ca_file, ca.pem()).unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let hba = "local all all trust\nhostssl all pgdrift_pw 127.0.0.1/32 scram-sha-256\nhost all all 127.0.0.1/32 trust\n";
        let options = EmbeddedOptions {
            tcp_port: Some(port),
            settings: vec!["ssl=on".into(), "password_encryption=scram-sha-256".into()],
            data_files: vec![
                ("server.crt".into(), cert.pem().into_bytes()),
                ("server.key".into(), key.serialize_pem().into_bytes()),
                ("pg_hba.conf".into(), hba.as_bytes().to_vec()),
            ],
        };
        let server = EmbeddedServer::start_with_options(PgBinaries::locate().unwrap(), &options).unwrap();
        // Runs on its own thread: this may be called from inside a test's runtime.
        let admin = server.conninfo("postgres");
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            rt.block_on(async {
                let conn = connect(&admin).await.unwrap();
                conn.client
                    .batch_execute(&format!("CREATE ROLE pgdrift_pw LOGIN PASSWORD '{PASSWORD}'"))
                    .await
                    .unwrap();
            });
        })
        .join()
        .unwrap();
        TlsServer { server, ca_file, _dir: dir }
    })
}

fn url(host: &str, params: &str) -> ConnInfo {
    let port = tls_server().server.tcp_port().unwrap();
    ConnInfo::parse(&format!(
        "postgresql://postgres@{host}:{port}/postgres?{params}"
    ))
    .unwrap()
    .resolve(&|_| None)
    .unwrap()
}

async fn uses_tls(info: &ConnInfo) -> Result<bool, ConnectError> {
    let conn = connect(info).await?;
    let row = conn
        .client
        .query_one(
            "SELECT coalesce((SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()), false)",
            &[],
        )
        .await
        .unwrap();
    Ok(row.get(0))
}

#[tokio::test]
async fn sslmodes_against_a_tls_server() {
    let ca = tls_server().ca_file.display().to_string();
    assert!(!uses_tls(&url("localhost", "sslmode=disable"))
        .await
        .unwrap());
    assert!(uses_tls(&url("localhost", "sslmode=prefer")).await.unwrap());
    assert!(uses_tls(&url("localhost", "sslmode=require"))
        .await
        .unwrap());
    assert!(uses_tls(&url(
        "localhost",
        &format!("sslmode=verify-full&sslrootcert={ca}")
    ))
    .await
    .unwrap());
    // The certificate is for "localhost": verify-ca accepts another name, verify-full does not.
    assert!(uses_tls(&url(
        "127.0.0.1",
        &format!("sslmode=verify-ca&sslrootcert={ca}")
    ))
    .await
    .unwrap());
    let err = uses_tls(&url(
        "127.0.0.1",
        &format!("sslmode=verify-full&sslrootcert={ca}"),
    ))
    .await
    .unwrap_err();
    assert!(
        err.to_string().to_lowercase().contains("certificate"),
        "{err}"
    );
}

#[tokio::test]
async fn verification_needs_a_root_certificate_and_the_right_one() {
    let err = uses_tls(&url(
        "localhost",
        "sslmode=verify-full&sslrootcert=/nonexistent/root.crt",
    ))
    .await
    .unwrap_err();
    assert!(err.to_string().contains("/nonexistent/root.crt"), "{err}");
    // A CA that did not sign the server's certificate.
    let (other, _) = certificate_authority();
    let dir = tempfile::tempdir().unwrap();
    let wrong = dir.path().join("wrong.crt");
    std::fs::write(&wrong, other.pem()).unwrap();
    let err = uses_tls(&url(
        "localhost",
        &format!("sslmode=verify-ca&sslrootcert={}", wrong.display()),
    ))
    .await
    .unwrap_err();
    assert!(
        err.to_string().to_lowercase().contains("certificate"),
        "{err}"
    );
}

#[tokio::test]
async fn require_against_a_server_without_tls_fails_and_prefer_falls_back() {
    // The shared test server has no TCP listener: start one without TLS.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let server = EmbeddedServer::start_with_options(
        PgBinaries::locate().unwrap(),
        &EmbeddedOptions {
            tcp_port: Some(port),
            ..Default::default()
        },
    )
    .unwrap();
    let info = |mode: &str| {
        ConnInfo::parse(&format!(
            "postgresql://postgres@127.0.0.1:{port}/postgres?sslmode={mode}"
        ))
        .unwrap()
        .resolve(&|_| None)
        .unwrap()
    };
    assert!(!uses_tls(&info("prefer")).await.unwrap());
    let err = uses_tls(&info("require")).await.unwrap_err();
    assert!(
        err.to_string().contains("TLS") || err.to_string().contains("tls"),
        "{err}"
    );
    drop(server);
}

#[tokio::test]
async fn passwords_work_and_never_show() {
    let port = tls_server().server.tcp_port().unwrap();
    let good = ConnInfo::parse(&format!(
        "postgresql://pgdrift_pw:{PASSWORD}@localhost:{port}/postgres?sslmode=require"
    ))
    .unwrap()
    .resolve(&|_| None)
    .unwrap();
    assert!(uses_tls(&good).await.unwrap());
    // From PGPASSWORD.
    let from_env = ConnInfo::parse(&format!(
        "postgresql://pgdrift_pw@localhost:{port}/postgres?sslmode=require"
    ))
    .unwrap()
    .resolve(&|k| (k == "PGPASSWORD").then(|| PASSWORD.to_string()))
    .unwrap();
    assert!(uses_tls(&from_env).await.unwrap());
    // From a password file.
    let dir = tempfile::tempdir().unwrap();
    let passfile = dir.path().join("pgpass");
    std::fs::write(
        &passfile,
        format!("localhost:{port}:*:pgdrift_pw:{PASSWORD}\n"),
    )
    .unwrap();
    let from_file = ConnInfo::parse(&format!(
        "postgresql://pgdrift_pw@localhost:{port}/postgres?sslmode=require&passfile={}",
        passfile.display()
    ))
    .unwrap()
    .resolve(&|_| None)
    .unwrap();
    assert!(uses_tls(&from_file).await.unwrap());
    // A wrong password: a clear error that names the target and shows no password.
    let bad = ConnInfo::parse(&format!(
        "postgresql://pgdrift_pw:WrongHorse@localhost:{port}/postgres?sslmode=require"
    ))
    .unwrap()
    .resolve(&|_| None)
    .unwrap();
    let err = uses_tls(&bad).await.unwrap_err();
    let text = err.to_string();
    assert!(text.contains("password authentication failed"), "{text}");
    assert!(
        text.contains(&format!(
            "postgresql://pgdrift_pw:***@localhost:{port}/postgres"
        )),
        "{text}"
    );
    assert!(
        !text.contains("WrongHorse") && !text.contains(PASSWORD),
        "{text}"
    );
    assert!(!format!("{err:?}").contains("WrongHorse"));
}

#[tokio::test]
async fn failures_name_the_target_and_the_cause() {
    let server = embedded_server().expect("tests run on the embedded server");
    let err = connect(&server.conninfo("no_such_database"))
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("database \"no_such_database\" does not exist"),
        "{err}"
    );
    assert!(err.to_string().contains("/no_such_database"), "{err}");
    // Nothing listens on this port.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let unreachable = ConnInfo::parse(&format!(
        "postgresql://u:hunter2@127.0.0.1:{port}/db?connect_timeout=3"
    ))
    .unwrap()
    .resolve(&|_| None)
    .unwrap();
    let err = connect(&unreachable).await.unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains(&format!("127.0.0.1:{port}")) && text.contains("accepting TCP connections"),
        "{text}"
    );
    assert!(!text.contains("hunter2"), "{text}");
    let missing_socket = ConnInfo::parse("postgresql://u@/db?host=/nonexistent/dir")
        .unwrap()
        .resolve(&|_| None)
        .unwrap();
    let err = connect(&missing_socket).await.unwrap_err();
    assert!(err.to_string().contains("/nonexistent/dir"), "{err}");
}
