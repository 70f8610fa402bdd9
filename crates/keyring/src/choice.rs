//! Which credential store the user asked for (`DCOS_TELEMETRY_CREDENTIAL_STORE`).

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use crate::error::KeyringError;

/// The environment variable through which users choose the credential store.
///
/// The crate never reads it itself: the caller passes its value to [`BackendChoice::from_str`]
/// (for example through a clap `env` argument), so tests and `--flags` can override it.
pub const CREDENTIAL_STORE_ENV: &str = "DCOS_TELEMETRY_CREDENTIAL_STORE";

/// The accepted spellings, for help texts and error messages.
pub const CHOICE_SYNTAX: &str =
    "auto, secret-service, keyutils, native, file:<absolute path>, none";

/// The credential store requested by the user; [`crate::Store::open`] turns it into a [`crate::Backend`].
///
/// Parsed from `auto | secret-service | keyutils | native | file:<path> | none`
/// (ASCII case-insensitive for the keywords; surrounding whitespace is ignored;
/// an empty value means `auto`, the way an empty environment variable usually means "unset").
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum BackendChoice {
    /// The best store this machine offers: Secret Service, then the kernel keyring on Linux;
    /// the native store on macOS and Windows; otherwise no keyring.
    #[default]
    Auto,
    /// The freedesktop Secret Service (gnome-keyring, KWallet) on the D-Bus session bus.
    SecretService,
    /// The Linux kernel keyring (keyutils): per-user, survives logout, cleared at reboot.
    KernelKeyring,
    /// The macOS Keychain or the Windows Credential Manager.
    PlatformNative,
    /// A plain-text JSON file (mode 0600). Only for an explicit user opt-in such as
    /// `--insecure-storage`; the path must be absolute.
    File(PathBuf),
    /// No credential storage at all: reads find nothing, writes fail. Makes CI hermetic.
    None,
}

impl FromStr for BackendChoice {
    type Err = KeyringError;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        let trimmed = value.trim();
        let invalid = |reason: &str| KeyringError::InvalidChoice {
            value: value.to_owned(),
            reason: reason.to_owned(),
        };
        if let Some((scheme, path)) = trimmed.split_once(':')
            && scheme.eq_ignore_ascii_case("file")
        {
            if path.is_empty() {
                return Err(invalid(
                    "`file:` needs a path, e.g. file:/home/me/.dcos/credentials.json",
                ));
            }
            let path = PathBuf::from(path);
            if !path.is_absolute() {
                return Err(invalid("the path after `file:` must be absolute"));
            }
            return Ok(BackendChoice::File(path));
        }
        match trimmed.to_ascii_lowercase().as_str() {
            "" | "auto" => Ok(BackendChoice::Auto),
            "secret-service" => Ok(BackendChoice::SecretService),
            "keyutils" => Ok(BackendChoice::KernelKeyring),
            "native" => Ok(BackendChoice::PlatformNative),
            "none" => Ok(BackendChoice::None),
            _ => Err(invalid("unknown credential store")),
        }
    }
}

impl fmt::Display for BackendChoice {
    /// The canonical spelling, which parses back to the same value.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BackendChoice::Auto => f.write_str("auto"),
            BackendChoice::SecretService => f.write_str("secret-service"),
            BackendChoice::KernelKeyring => f.write_str("keyutils"),
            BackendChoice::PlatformNative => f.write_str("native"),
            BackendChoice::File(path) => write!(f, "file:{}", path.display()),
            BackendChoice::None => f.write_str("none"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(value: &str) -> Result<BackendChoice, String> {
        value.parse::<BackendChoice>().map_err(|e| e.to_string())
    }

    #[test]
    fn keywords_parse_case_insensitively_and_trimmed() {
        assert_eq!(parse("auto"), Ok(BackendChoice::Auto));
        assert_eq!(parse(""), Ok(BackendChoice::Auto));
        assert_eq!(parse("  "), Ok(BackendChoice::Auto));
        assert_eq!(parse("Secret-Service"), Ok(BackendChoice::SecretService));
        assert_eq!(parse(" keyutils\n"), Ok(BackendChoice::KernelKeyring));
        assert_eq!(parse("NATIVE"), Ok(BackendChoice::PlatformNative));
        assert_eq!(parse("none"), Ok(BackendChoice::None));
    }

    #[cfg(unix)]
    #[test]
    fn file_takes_an_absolute_path_verbatim() {
        assert_eq!(
            parse("file:/tmp/a b/creds.json"),
            Ok(BackendChoice::File(PathBuf::from("/tmp/a b/creds.json")))
        );
        assert_eq!(
            parse("FILE:/x:y"),
            Ok(BackendChoice::File(PathBuf::from("/x:y")))
        );
    }

    #[test]
    fn bad_values_name_the_value_and_the_accepted_ones() {
        assert_eq!(
            parse("kwallet"),
            Err(
                "invalid credential store \"kwallet\": unknown credential store \
                 (expected one of: auto, secret-service, keyutils, native, \
                 file:<absolute path>, none)"
                    .to_owned()
            )
        );
        assert_eq!(
            parse("file:relative/creds.json"),
            Err(
                "invalid credential store \"file:relative/creds.json\": the path after \
                 `file:` must be absolute (expected one of: auto, secret-service, keyutils, \
                 native, file:<absolute path>, none)"
                    .to_owned()
            )
        );
        assert!(parse("file:").unwrap_err().contains("`file:` needs a path"));
    }

    #[cfg(unix)]
    #[test]
    fn display_round_trips() {
        for choice in [
            BackendChoice::Auto,
            BackendChoice::SecretService,
            BackendChoice::KernelKeyring,
            BackendChoice::PlatformNative,
            BackendChoice::File(PathBuf::from("/var/tmp/creds.json")),
            BackendChoice::None,
        ] {
            assert_eq!(parse(&choice.to_string()), Ok(choice));
        }
    }
}
