//! Certificates (a per-simulator CA and server certificates) and rustls server configs.

use std::io;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, SanType, date_time_ymd,
};
use rustls::ServerConfig;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// Which certificate the server presents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TlsMode {
    /// Signed by [`crate::Sim::ca_pem`], valid for `127.0.0.1` and `localhost`.
    #[default]
    Good,
    /// Valid for `127.0.0.1`/`localhost`, but signed by a CA other than `ca_pem()`.
    UntrustedCa,
    /// Signed by `ca_pem()`, but only for the name `wrong-host.invalid`.
    WrongHost,
    /// Signed by `ca_pem()` for the right names, but expired (valid 2019-01-01..2020-01-01).
    Expired,
}

impl TlsMode {
    /// Parses `good`, `untrusted-ca`, `wrong-host`, `expired`.
    pub fn parse(text: &str) -> Option<TlsMode> {
        match text {
            "good" => Some(TlsMode::Good),
            "untrusted-ca" => Some(TlsMode::UntrustedCa),
            "wrong-host" => Some(TlsMode::WrongHost),
            "expired" => Some(TlsMode::Expired),
            _ => None,
        }
    }
}

fn tls_err(e: impl std::fmt::Display) -> io::Error {
    io::Error::other(format!("certificate generation: {e}"))
}

/// A certificate authority.
pub(crate) struct Authority {
    pub pem: String,
    issuer: Issuer<'static, KeyPair>,
}

impl Authority {
    pub fn new(common_name: &str) -> io::Result<Authority> {
        let key = KeyPair::generate().map_err(tls_err)?;
        let mut params = CertificateParams::new(Vec::<String>::new()).map_err(tls_err)?;
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(DnType::CommonName, common_name);
        params
            .distinguished_name
            .push(DnType::OrganizationName, "Mesosphere, Inc.");
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        params.not_before = date_time_ymd(2015, 1, 1);
        params.not_after = date_time_ymd(2099, 12, 31);
        let cert = params.self_signed(&key).map_err(tls_err)?;
        Ok(Authority {
            pem: cert.pem(),
            issuer: Issuer::new(params, key),
        })
    }

    /// Issues a server certificate; returns (DER, PKCS#8 key DER).
    fn issue(
        &self,
        names: &[&str],
        expired: bool,
    ) -> io::Result<(CertificateDer<'static>, Vec<u8>)> {
        let key = KeyPair::generate().map_err(tls_err)?;
        let mut params = CertificateParams::new(Vec::<String>::new()).map_err(tls_err)?;
        for name in names {
            params.subject_alt_names.push(match name.parse::<IpAddr>() {
                Ok(ip) => SanType::IpAddress(ip),
                Err(_) => SanType::DnsName((*name).try_into().map_err(tls_err)?),
            });
        }
        params.distinguished_name.push(DnType::CommonName, names[0]);
        params.key_usages = vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::KeyEncipherment,
        ];
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        if expired {
            params.not_before = date_time_ymd(2019, 1, 1);
            params.not_after = date_time_ymd(2020, 1, 1);
        } else {
            params.not_before = date_time_ymd(2020, 1, 1);
            params.not_after = date_time_ymd(2099, 1, 1);
        }
        let cert = params.signed_by(&key, &self.issuer).map_err(tls_err)?;
        Ok((cert.der().clone(), key.serialize_der()))
    }
}

/// The names a good server certificate covers.
const LOCAL_NAMES: [&str; 2] = ["127.0.0.1", "localhost"];

/// Builds the server config for `mode`, using `ca` (or a throwaway CA for `UntrustedCa`).
pub(crate) fn server_config(mode: TlsMode, ca: &Authority) -> io::Result<Arc<ServerConfig>> {
    let (cert, key) = match mode {
        TlsMode::Good => ca.issue(&LOCAL_NAMES, false)?,
        TlsMode::Expired => ca.issue(&LOCAL_NAMES, true)?,
        TlsMode::WrongHost => ca.issue(&["wrong-host.invalid"], false)?,
        TlsMode::UntrustedCa => {
            Authority::new("Untrusted Simulator CA")?.issue(&LOCAL_NAMES, false)?
        }
    };
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(tls_err)?
        .with_no_client_auth()
        .with_single_cert(
            vec![cert],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key)),
        )
        .map_err(tls_err)?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// The loopback address the listeners bind.
pub(crate) const LOOPBACK: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
