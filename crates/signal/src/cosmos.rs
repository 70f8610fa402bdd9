//! The Cosmos `POST /package/list` response, decoded as dcos-signal's Go structs decode it.
//!
//! a2040b7 keeps, per installed package, `appId` and
//! `packageInformation.packageDefinition.{name,version}` (trimming since dcos-signal
//! `67ce8b9`, 2017); everything else in the response is ignored.

use std::io::Read;

use crate::decode::{Decoder, ParseError, ParseErrorKind, Start};

/// One installed package, as dcos-signal keeps it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InstalledPackage {
    /// `appId` (for example `/kafka`).
    pub app_id: String,
    /// `packageInformation.packageDefinition.name`.
    pub name: String,
    /// `packageInformation.packageDefinition.version`.
    pub version: String,
}

/// The decoded package list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PackageList {
    /// `packages`; `None` when the response had no `packages` or `null` (Go's nil slice,
    /// which dcos-signal sends as `"package_list": null`).
    pub packages: Option<Vec<InstalledPackage>>,
}

const REPORT_FIELDS: &[&str] = &["packages"];
const PACKAGE_FIELDS: &[&str] = &["appId", "packageInformation"];
const INFO_FIELDS: &[&str] = &["packageDefinition"];
const DEFINITION_FIELDS: &[&str] = &["name", "version"];

/// Decodes a Cosmos package-list response.
pub fn parse_package_list<R: Read>(reader: R) -> Result<PackageList, ParseError> {
    let mut dec = Decoder::new(reader);
    let mut list = PackageList::default();
    let start = dec.offset();
    match dec.peek()? {
        Start::Null => {
            dec.null()?;
            dec.finish()?;
            return Err(ParseError {
                kind: ParseErrorKind::NullDocument,
                offset: start,
            });
        }
        Start::Object => {
            dec.begin_object();
            let mut first = true;
            while let Some(field) = dec.next_field(&mut first, REPORT_FIELDS)? {
                match field {
                    Some(_) => decode_packages(&mut dec, &mut list.packages)?,
                    None => dec.skip()?,
                }
            }
        }
        other => dec.mismatch("", "signal.CosmosReport", other)?,
    }
    dec.finish()?;
    Ok(list)
}

fn decode_packages<R: Read>(
    dec: &mut Decoder<R>,
    packages: &mut Option<Vec<InstalledPackage>>,
) -> Result<(), ParseError> {
    match dec.peek()? {
        Start::Null => {
            *packages = None;
            dec.null()
        }
        Start::Array => {
            let list = packages.get_or_insert_with(Vec::new);
            dec.begin_array();
            let mut first = true;
            let mut i = 0;
            while dec.next_element(&mut first)? {
                if i == list.len() {
                    list.push(InstalledPackage::default());
                }
                decode_package(dec, &mut list[i])?;
                i += 1;
            }
            list.truncate(i);
            Ok(())
        }
        other => dec.mismatch("packages", "[]signal.CosmosPackages", other),
    }
}

fn decode_package<R: Read>(
    dec: &mut Decoder<R>,
    pkg: &mut InstalledPackage,
) -> Result<(), ParseError> {
    match dec.peek()? {
        Start::Null => dec.null(),
        Start::Object => {
            dec.begin_object();
            let mut first = true;
            while let Some(field) = dec.next_field(&mut first, PACKAGE_FIELDS)? {
                match field {
                    Some(0) => dec.go_string("packages.appId", &mut pkg.app_id)?,
                    Some(_) => decode_information(dec, pkg)?,
                    None => dec.skip()?,
                }
            }
            Ok(())
        }
        other => dec.mismatch("packages", "signal.CosmosPackages", other),
    }
}

fn decode_information<R: Read>(
    dec: &mut Decoder<R>,
    pkg: &mut InstalledPackage,
) -> Result<(), ParseError> {
    match dec.peek()? {
        Start::Null => dec.null(),
        Start::Object => {
            dec.begin_object();
            let mut first = true;
            while let Some(field) = dec.next_field(&mut first, INFO_FIELDS)? {
                match field {
                    Some(_) => decode_definition(dec, pkg)?,
                    None => dec.skip()?,
                }
            }
            Ok(())
        }
        other => dec.mismatch("packages.packageInformation", "struct", other),
    }
}

fn decode_definition<R: Read>(
    dec: &mut Decoder<R>,
    pkg: &mut InstalledPackage,
) -> Result<(), ParseError> {
    match dec.peek()? {
        Start::Null => dec.null(),
        Start::Object => {
            dec.begin_object();
            let mut first = true;
            while let Some(field) = dec.next_field(&mut first, DEFINITION_FIELDS)? {
                match field {
                    Some(0) => dec.go_string("packageDefinition.name", &mut pkg.name)?,
                    Some(_) => dec.go_string("packageDefinition.version", &mut pkg.version)?,
                    None => dec.skip()?,
                }
            }
            Ok(())
        }
        other => dec.mismatch("packageInformation.packageDefinition", "struct", other),
    }
}
