//! TLS with rustls for `sslmode` `prefer`, `require`, `verify-ca` and `verify-full`, with
//! libpq's semantics: `prefer`/`require` encrypt without checking the certificate (unless a
//! root certificate is configured, when `require` checks the chain like `verify-ca`),
//! `verify-ca` checks the chain, `verify-full` also checks the host name.

use super::conninfo::{ConnInfo, SslMode};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio_postgres_rustls::MakeRustlsConnect;

/// Why TLS could not be set up (before any network traffic).
#[derive(Debug, thiserror::Error)]
pub enum TlsSetupError {
    #[error("sslmode={mode} needs a root certificate to check the server against: set sslrootcert=/path/to/root.crt (or sslrootcert=system for the system's trusted roots)")]
    NoRootCertificate { mode: &'static str },
    #[error("cannot read {what} {}: {reason}", path.display())]
    BadFile {
        what: &'static str,
        path: PathBuf,
        reason: String,
    },
    #[error("TLS configuration: {0}")]
    Config(String),
}

/// Builds the TLS connector for `info`'s sslmode and certificate settings.
pub(crate) fn connector(info: &ConnInfo) -> Result<MakeRustlsConnect, TlsSetupError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mode = info.ssl_mode();
    let roots = load_roots(info)?;
    let verifier: Arc<dyn ServerCertVerifier> = match (mode, roots) {
        (SslMode::VerifyFull, Some(roots)) => webpki(roots, &provider)?,
        (SslMode::VerifyCa | SslMode::Require, Some(roots)) => {
            Arc::new(ChainOnly(webpki(roots, &provider)?))
        }
        (SslMode::VerifyFull, None) => {
            return Err(TlsSetupError::NoRootCertificate {
                mode: "verify-full",
            })
        }
        (SslMode::VerifyCa, None) => {
            return Err(TlsSetupError::NoRootCertificate { mode: "verify-ca" })
        }
        _ => Arc::new(Unverified(provider.clone())),
    };
    let builder = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsSetupError::Config(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(verifier);
    let config = match client_identity(info)? {
        Some((certs, key)) => builder
            .with_client_auth_cert(certs, key)
            .map_err(|e| TlsSetupError::Config(format!("client certificate: {e}")))?,
        None => builder.with_no_client_auth(),
    };
    Ok(MakeRustlsConnect::new(config))
}

fn webpki(
    roots: RootCertStore,
    provider: &Arc<CryptoProvider>,
) -> Result<Arc<WebPkiServerVerifier>, TlsSetupError> {
    WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .build()
        .map_err(|e| TlsSetupError::Config(e.to_string()))
}

fn postgresql_dir() -> Option<PathBuf> {
    dirs::home_dir().map(|h| h.join(".postgresql"))
}

/// Root certificates from `sslrootcert` (a PEM file, or `system`), else `~/.postgresql/root.crt`.
fn load_roots(info: &ConnInfo) -> Result<Option<RootCertStore>, TlsSetupError> {
    let path = match info.sslrootcert.as_deref() {
        Some("system") => {
            let mut store = RootCertStore::empty();
            let found = rustls_native_certs::load_native_certs();
            let (added, _) = store.add_parsable_certificates(found.certs);
            if added == 0 {
                return Err(TlsSetupError::BadFile {
                    what: "the system's root certificates",
                    path: PathBuf::from("(system store)"),
                    reason: "none found".into(),
                });
            }
            return Ok(Some(store));
        }
        Some(p) => PathBuf::from(p),
        None => match postgresql_dir()
            .map(|d| d.join("root.crt"))
            .filter(|p| p.exists())
        {
            Some(p) => p,
            None => return Ok(None),
        },
    };
    let certs = read_certs(&path, "root certificate file")?;
    let mut store = RootCertStore::empty();
    for cert in certs {
        store.add(cert).map_err(|e| TlsSetupError::BadFile {
            what: "root certificate file",
            path: path.clone(),
            reason: e.to_string(),
        })?;
    }
    Ok(Some(store))
}

fn read_certs(
    path: &Path,
    what: &'static str,
) -> Result<Vec<CertificateDer<'static>>, TlsSetupError> {
    let bad = |reason: String| TlsSetupError::BadFile {
        what,
        path: path.to_path_buf(),
        reason,
    };
    let certs = CertificateDer::pem_file_iter(path)
        .map_err(|e| bad(e.to_string()))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| bad(e.to_string()))?;
    if certs.is_empty() {
        return Err(bad("no PEM certificate in it".into()));
    }
    Ok(certs)
}

/// The client certificate and key from `sslcert`/`sslkey`, else `~/.postgresql/postgresql.{crt,key}`.
type Identity = (Vec<CertificateDer<'static>>, PrivateKeyDer<'static>);

fn client_identity(info: &ConnInfo) -> Result<Option<Identity>, TlsSetupError> {
    let dir = postgresql_dir();
    let cert = info.sslcert.clone().or_else(|| {
        dir.as_ref()
            .map(|d| d.join("postgresql.crt"))
            .filter(|p| p.exists())
    });
    let key = info.sslkey.clone().or_else(|| {
        dir.as_ref()
            .map(|d| d.join("postgresql.key"))
            .filter(|p| p.exists())
    });
    let (Some(cert), Some(key)) = (cert, key) else {
        return Ok(None);
    };
    let certs = read_certs(&cert, "client certificate file")?;
    let key = PrivateKeyDer::from_pem_file(&key).map_err(|e| TlsSetupError::BadFile {
        what: "client key file",
        path: key.clone(),
        reason: e.to_string(),
    })?;
    Ok(Some((certs, key)))
}

/// `sslmode=prefer|require` without root certificates: encryption without authentication,
/// exactly what libpq does. The handshake signatures are still checked.
#[derive(Debug)]
struct Unverified(Arc<CryptoProvider>);

impl ServerCertVerifier for Unverified {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// `sslmode=verify-ca`: the chain must lead to a trusted root; the name is not checked.
/// webpki checks the chain before the name, so a name error means the chain was good.
#[derive(Debug)]
struct ChainOnly(Arc<WebPkiServerVerifier>);

impl ServerCertVerifier for ChainOnly {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match self
            .0
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
        {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}
