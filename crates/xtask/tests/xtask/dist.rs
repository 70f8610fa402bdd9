//! The plugin zip: layout and modes as the DC/OS CLI needs them, and the installed plugin
//! running as the CLI runs it.

use std::fs;
use std::io::Read as _;
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use clap::CommandFactory as _;
use xtask::dist::{self, ENTRY_BINARY, ENTRY_COMPLETION, ENTRY_PLUGIN_TOML};
use xtask::generated::DCOS_BASH;

use crate::dcos_cli::{DcosDir, go_mode, umask};
use crate::support::{bash, plugin_binary, root, sh_path};

fn repo_file(path: &str) -> String {
    fs::read_to_string(root().join(path)).unwrap()
}

/// Writes the plugin zip from the test binary into `dir`.
fn build_zip(dir: &Path) -> PathBuf {
    let zip = dir.join("dcos-telemetry-test.zip");
    dist::write_zip(
        &zip,
        plugin_binary(),
        &repo_file("plugin.toml"),
        &repo_file(DCOS_BASH),
    )
    .unwrap();
    zip
}

/// The plugin zip, written once per test run next to the test binary.
fn shared_zip() -> &'static Path {
    static ZIP: OnceLock<PathBuf> = OnceLock::new();
    ZIP.get_or_init(|| build_zip(plugin_binary().parent().unwrap()))
}

#[test]
fn archive_names_use_the_dcos_cli_names() {
    let name = |os, arch| dist::archive_name("0.1.0", os, arch);
    assert_eq!(
        name("linux", "x86_64").unwrap(),
        "dcos-telemetry-0.1.0-linux-x86-64.zip"
    );
    assert_eq!(
        name("macos", "x86_64").unwrap(),
        "dcos-telemetry-0.1.0-darwin-x86-64.zip"
    );
    assert_eq!(
        name("windows", "x86_64").unwrap(),
        "dcos-telemetry-0.1.0-windows-x86-64.zip"
    );
    assert_eq!(
        name("macos", "aarch64").unwrap(),
        "dcos-telemetry-0.1.0-darwin-arm64.zip"
    );
    let err = name("freebsd", "x86_64").unwrap_err().to_string();
    assert_eq!(err, "no DC/OS name for the operating system freebsd");
    let err = name("linux", "riscv64").unwrap_err().to_string();
    assert_eq!(err, "no DC/OS name for the architecture riscv64");
}

#[test]
fn plugin_toml_is_checked_against_info() {
    let text = repo_file("plugin.toml");
    let info = dcos_telemetry::cli::DESCRIPTION;
    dist::check_plugin_toml(&text, info).unwrap();
    let err = dist::check_plugin_toml(&text, "something else").unwrap_err();
    assert!(
        err.to_string().contains("differs from `telemetry --info`"),
        "{err}"
    );
    let moved = text.replace("bin/dcos-telemetry", "dcos-telemetry");
    let err = dist::check_plugin_toml(&moved, info).unwrap_err();
    assert_eq!(
        err.to_string(),
        "plugin.toml: [[commands]] `path` must be \"bin/dcos-telemetry\""
    );
    let err = dist::check_plugin_toml("name = \"dcos-telemetry\"\n", info).unwrap_err();
    assert_eq!(
        err.to_string(),
        "plugin.toml: needs exactly one [[commands]] entry"
    );
}

#[test]
fn info_must_be_one_line_and_succeed() {
    let dir = tempfile::tempdir().unwrap();
    let fake = |name: &str, body: &str| {
        let path = dir.path().join(name);
        fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
        path
    };
    let two_lines = fake("two", "printf 'a\\nb\\n'");
    let err = dist::info(&two_lines).unwrap_err().to_string();
    assert!(
        err.ends_with("must print one non-empty line, printed \"a\\nb\\n\""),
        "{err}"
    );
    let failing = fake("fails", "echo fine; exit 3");
    let err = dist::info(&failing).unwrap_err().to_string();
    assert!(err.contains("exited with exit status: 3"), "{err}");
    let ok = fake(
        "ok",
        "[ \"$1 $2\" = 'telemetry --info' ] && echo 'One line'",
    );
    assert_eq!(dist::info(&ok).unwrap(), "One line");
}

#[test]
fn zip_has_the_plugin_layout_and_modes() {
    let zip_path = shared_zip();
    let bytes = fs::read(zip_path).unwrap();
    // The CLI sniffs the content type: a zip starts with a local file header.
    assert_eq!(&bytes[..4], b"PK\x03\x04");

    let mut archive = zip::ZipArchive::new(fs::File::open(zip_path).unwrap()).unwrap();
    let names: Vec<String> = archive
        .file_names()
        .map(|n| n.unwrap().into_owned())
        .collect();
    assert_eq!(names, [ENTRY_PLUGIN_TOML, ENTRY_BINARY, ENTRY_COMPLETION]);

    let expected: [(&str, u32, Vec<u8>); 3] = [
        (
            ENTRY_PLUGIN_TOML,
            0o644,
            repo_file("plugin.toml").into_bytes(),
        ),
        (ENTRY_BINARY, 0o755, fs::read(plugin_binary()).unwrap()),
        (ENTRY_COMPLETION, 0o644, repo_file(DCOS_BASH).into_bytes()),
    ];
    for (name, mode, contents) in expected {
        let mut entry = archive.by_name(name).unwrap();
        assert_eq!(entry.system(), zip::System::Unix, "{name}: made on Unix");
        assert_eq!(
            entry.external_attributes() >> 16,
            0o100000 | mode,
            "{name}: regular file, mode {mode:o}"
        );
        assert_eq!(go_mode(entry.system(), entry.external_attributes()), mode);
        assert_eq!(
            entry.compression(),
            zip::CompressionMethod::Deflated,
            "{name}"
        );
        assert_eq!(
            entry.last_modified(),
            Some(zip::DateTime::default()),
            "{name}"
        );
        let mut data = Vec::new();
        entry.read_to_end(&mut data).unwrap();
        assert!(data == contents, "{name}: contents differ from the source");
    }

    // plugin.toml: what the CLI reads, with the binary's own one-line --info.
    let mut text = String::new();
    archive
        .by_name(ENTRY_PLUGIN_TOML)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    let toml: toml::Table = toml::from_str(&text).unwrap();
    assert_eq!(toml["name"].as_str(), Some("dcos-telemetry"));
    let command = &toml["commands"].as_array().unwrap()[0];
    let description = command["description"].as_str().unwrap();
    assert!(!description.is_empty() && !description.contains('\n'));
    assert_eq!(description, dist::info(plugin_binary()).unwrap());
}

#[test]
fn zip_is_reproducible() {
    let first = fs::read(shared_zip()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let second = fs::read(build_zip(dir.path())).unwrap();
    assert!(first == second, "two builds of the zip differ");
}

/// Runs an installed command as the DC/OS CLI does: argv[1] is the command name, the
/// environment is the CLI's plus its DCOS_* variables (contract §1.4, §2).
fn run_as_dcos(exe: &Path, dcos_dir: &Path, args: &[&str]) -> (i32, String, String) {
    let output = Command::new(exe)
        .arg("telemetry")
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", dcos_dir)
        .env("DCOS_DIR", dcos_dir)
        .env("DCOS_CLI_EXECUTABLE_PATH", "/usr/local/bin/dcos")
        .env("DCOS_CLI_VERSION", "1.2.0")
        .env("DCOS_URL", "http://127.0.0.1:9")
        .env("DCOS_ACS_TOKEN", "")
        .env("DCOS_TLS_INSECURE", "1")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[test]
fn installed_plugin_runs_as_the_dcos_cli_runs_it() {
    let zip = shared_zip();
    let dcos = DcosDir::new();
    let plugin = dcos.plugin_add(zip).unwrap();

    // Where `dcos plugin add` puts it (contract §1.3).
    assert_eq!(plugin, dcos.cluster().join("subcommands/dcos-telemetry"));
    let mode = fs::metadata(&plugin).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700);
    let env = plugin.join("env");

    // The command the CLI registers: plugin.toml's path, relative to env/.
    let toml: toml::Table =
        toml::from_str(&fs::read_to_string(env.join("plugin.toml")).unwrap()).unwrap();
    let command = &toml["commands"].as_array().unwrap()[0];
    assert_eq!(command["name"].as_str(), Some("telemetry"));
    let exe = env.join(command["path"].as_str().unwrap());
    let mode = fs::metadata(&exe).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o755 & !umask(), "installed binary mode {mode:o}");
    assert_ne!(mode & 0o100, 0, "the installed binary is not executable");

    let (code, stdout, stderr) = run_as_dcos(&exe, dcos.root.path(), &["--info"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    assert_eq!(
        stdout,
        format!("{}\n", command["description"].as_str().unwrap())
    );

    let built = xtask::view::built();
    let (code, stdout, stderr) = run_as_dcos(&exe, dcos.root.path(), &["--help"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    assert_eq!(stdout, dcos_telemetry::help::render(&built, &[]));
    assert!(
        stdout.contains("Usage:\n    dcos telemetry [command]\n"),
        "{stdout}"
    );

    let status = built.find_subcommand("status").unwrap();
    let (code, stdout, _) = run_as_dcos(&exe, dcos.root.path(), &["status", "--help"]);
    assert_eq!(code, 0);
    assert_eq!(stdout, dcos_telemetry::help::render(status, &["status"]));

    // `dcos plugin list --completion-dirs` gives <env>/completion; the CLI's script sources every
    // *.sh under its bash/ folder.
    let completion_dir = env.join("completion");
    let found = bash(&format!(
        "find {}/bash -type f -iname '*.sh'",
        sh_path(&completion_dir)
    ));
    let installed = completion_dir.join("bash/telemetry.sh");
    assert_eq!(found.stdout, format!("{}\n", installed.display()));
    assert_eq!(
        fs::read_to_string(&installed).unwrap(),
        repo_file(DCOS_BASH)
    );
    let helpers = root().join("crates/xtask/tests/xtask/dcos-cli-helpers.bash");
    let completed = bash(&format!(
        "source {}\nfor f in $(find {}/bash -type f -iname '*.sh'); do source \"$f\"; done\n\
         __dcos_test_complete 2 dcos telemetry st\n__dcos_test_complete 3 dcos telemetry status --j",
        sh_path(&helpers),
        sh_path(&completion_dir)
    ));
    assert_eq!(completed.stdout, "<status >\n<--json >\n");

    // Adding it again without --update fails as the CLI does.
    assert_eq!(
        dcos.plugin_add(zip).unwrap_err(),
        "'dcos-telemetry' is already installed"
    );
}

#[test]
fn install_stand_in_applies_the_cli_rules() {
    use std::io::Write as _;
    use zip::write::SimpleFileOptions;
    let work = tempfile::tempdir().unwrap();
    let path = work.path().join("tricky.zip");
    let mut zip = zip::ZipWriter::new(fs::File::create(&path).unwrap());
    let unix = |mode| SimpleFileOptions::default().unix_permissions(mode);
    for (name, options) in [
        ("plugin.toml", unix(0o644)),
        ("../escaped.txt", unix(0o644)),
        ("bin/../../escaped-too.txt", unix(0o644)),
        ("bin/run", unix(0o755)),
        (
            "bin/dos",
            SimpleFileOptions::default().system(zip::System::Dos),
        ),
    ] {
        zip.start_file(name, options).unwrap();
        let body = if name == "plugin.toml" {
            "name = \"tricky\"\n[[commands]]\nname = \"tricky\"\npath = \"bin/run\"\n"
        } else {
            "x"
        };
        zip.write_all(body.as_bytes()).unwrap();
    }
    zip.finish().unwrap();

    let dcos = DcosDir::new();
    let plugin = dcos.plugin_add(&path).unwrap();
    let env = plugin.join("env");
    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&env.join("bin/run")), 0o755 & !umask());
    assert_eq!(mode(&env.join("bin/dos")), 0o666 & !umask());
    // Entries that would land outside env/ are skipped, wherever they would land.
    for outside in [plugin.join("escaped.txt"), plugin.join("escaped-too.txt")] {
        assert!(!outside.exists(), "{} was written", outside.display());
    }
    let mut all = Vec::new();
    collect_files(dcos.root.path(), &mut all);
    assert!(
        !all.iter().any(|p| p.to_string_lossy().contains("escaped")),
        "{all:?}"
    );

    // A zip with everything under a top-level folder has no plugin.toml at its root.
    let nested = work.path().join("nested.zip");
    let mut zip = zip::ZipWriter::new(fs::File::create(&nested).unwrap());
    zip.start_file("dcos-telemetry/plugin.toml", unix(0o644))
        .unwrap();
    zip.write_all(repo_file("plugin.toml").as_bytes()).unwrap();
    zip.finish().unwrap();
    assert_eq!(
        dcos.plugin_add(&nested).unwrap_err(),
        "nested has no commands"
    );
}

fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect_files(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// The clap definition the tests read is the one the binary runs (same crate version).
#[test]
fn binary_and_definition_agree_on_the_version() {
    let cmd = dcos_telemetry::cli::Cli::command();
    let output = Command::new(plugin_binary())
        .args(["telemetry", "--version"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        format!("dcos-telemetry {}\n", cmd.get_version().unwrap())
    );
}
