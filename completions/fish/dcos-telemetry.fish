# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_dcos_telemetry_global_optspecs
    string join \n h/help version v/verbose timeout= cluster=
end

function __fish_dcos_telemetry_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_dcos_telemetry_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_dcos_telemetry_using_subcommand
    set -l cmd (__fish_dcos_telemetry_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c dcos-telemetry -n "__fish_dcos_telemetry_needs_command" -l timeout -d 'Request timeout in seconds (0: none); default core.timeout, else 180' -r
complete -c dcos-telemetry -n "__fish_dcos_telemetry_needs_command" -l cluster -d 'Use this configured cluster (name or id) instead of the attached one' -r
complete -c dcos-telemetry -n "__fish_dcos_telemetry_needs_command" -s h -l help -d 'Show this help'
complete -c dcos-telemetry -n "__fish_dcos_telemetry_needs_command" -l version -d 'Print the version'
complete -c dcos-telemetry -n "__fish_dcos_telemetry_needs_command" -s v -l verbose -d 'Log requests to stderr (-vv: with headers); never logs secrets'
complete -c dcos-telemetry -n "__fish_dcos_telemetry_needs_command" -f -a "status" -d 'Show whether telemetry is on for this cluster, what decides it, what runs, and why'
complete -c dcos-telemetry -n "__fish_dcos_telemetry_needs_command" -f -a "show-payload" -d 'Print exactly what the cluster\'s dcos-signal sends, byte for byte, without sending anything'
complete -c dcos-telemetry -n "__fish_dcos_telemetry_needs_command" -f -a "opt-out" -d 'Turn telemetry off the supported way (the installer config.yaml), verify it, and stop local sending'
complete -c dcos-telemetry -n "__fish_dcos_telemetry_needs_command" -f -a "auth" -d 'Log in, log out, and show where the token comes from'
complete -c dcos-telemetry -n "__fish_dcos_telemetry_needs_command" -f -a "send" -d 'Send the cluster\'s telemetry now, to Segment or your own collector, exactly as show-payload --segment shows it'
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand status" -l expect -d 'Exit 3 when the cluster\'s telemetry state differs (1 when it cannot be determined)' -r -f -a "enabled\t'dcos-signal is configured to send'
disabled\t'nothing is sent: telemetry_enabled is \'false\', or the version has no dcos-signal'"
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand status" -l timeout -d 'Request timeout in seconds (0: none); default core.timeout, else 180' -r
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand status" -l cluster -d 'Use this configured cluster (name or id) instead of the attached one' -r
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand status" -l json -d 'Print JSON (the schema is in the README)'
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand status" -l all-clusters -d 'Check every configured cluster concurrently, one row each'
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand status" -s h -l help -d 'Show this help'
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand status" -s v -l verbose -d 'Log requests to stderr (-vv: with headers); never logs secrets'
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand show-payload" -l event -d 'Only these events (repeat or comma-separate)' -r -f -a "health\t'unit health from dcos-diagnostics'
package_list\t'installed packages from Cosmos'
mesos_track\t'frameworks and resource use from Mesos'"
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand show-payload" -l as-version -d 'Build the payload as this DC/OS version\'s dcos-signal would (default: the cluster\'s)' -r
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand show-payload" -l report-file -d 'Build the health event from a saved health report (e.g. from a diagnostics bundle)' -r -F
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand show-payload" -l cluster-id -d 'The cluster id to use with --report-file when no cluster is configured' -r
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand show-payload" -l platform -d 'The `platform` property (default: [telemetry] platform, else onprem)' -r
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand show-payload" -l provider -d 'The `provider` property (default: [telemetry] provider, else onprem)' -r
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand show-payload" -l customer-key -d 'The `customerKey` property (Enterprise)' -r
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand show-payload" -l license-id -d 'The `licenseId` property (Enterprise)' -r
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand show-payload" -l signal-config -d 'Read platform, provider and customer key from a master\'s dcos-signal-config.json' -r -F
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand show-payload" -l installer-config -d 'Read platform, provider and customer_key from the installer\'s config.yaml' -r -F
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand show-payload" -s o -l output -d 'Write to FILE (atomically) instead of standard output' -r -F
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand show-payload" -l timeout -d 'Request timeout in seconds (0: none); default core.timeout, else 180' -r
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand show-payload" -l cluster -d 'Use this configured cluster (name or id) instead of the attached one' -r
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand show-payload" -l fresh -d 'Ask every node for a fresh health report (?cache=0, as dcos-signal does; can take a minute)'
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand show-payload" -l segment -d 'Print the Segment /v1/batch bodies `send` would post (one per line) instead of dcos-signal\'s -test output'
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand show-payload" -s h -l help -d 'Show this help'
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand show-payload" -s v -l verbose -d 'Log requests to stderr (-vv: with headers); never logs secrets'
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand opt-out" -l config -d 'Set telemetry_enabled: \'false\' in this installer config.yaml (genconf/config.yaml)' -r -F
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand opt-out" -l timeout -d 'Request timeout in seconds (0: none); default core.timeout, else 180' -r
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand opt-out" -l cluster -d 'Use this configured cluster (name or id) instead of the attached one' -r
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand opt-out" -l dry-run -d 'Print the change to config.yaml as a unified diff and write nothing'
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand opt-out" -l no-backup -d 'Do not keep config.yaml.bak with the previous content'
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand opt-out" -l verify -d 'Only check the live cluster: exit 0 when telemetry is off, 3 while it is still on'
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand opt-out" -l undo -d 'Remove the local opt-out (the installer config and the cluster are not touched)'
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand opt-out" -l json -d 'Print JSON (the schema is in the README)'
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand opt-out" -s h -l help -d 'Show this help'
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand opt-out" -s v -l verbose -d 'Log requests to stderr (-vv: with headers); never logs secrets'
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand auth; and not __fish_seen_subcommand_from login logout status" -l timeout -d 'Request timeout in seconds (0: none); default core.timeout, else 180' -r
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand auth; and not __fish_seen_subcommand_from login logout status" -l cluster -d 'Use this configured cluster (name or id) instead of the attached one' -r
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand auth; and not __fish_seen_subcommand_from login logout status" -s h -l help -d 'Show this help'
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand auth; and not __fish_seen_subcommand_from login logout status" -s v -l verbose -d 'Log requests to stderr (-vv: with headers); never logs secrets'
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand auth; and not __fish_seen_subcommand_from login logout status" -f -a "login" -d 'Log in with a service account or a password and keep the token in the OS keyring'
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand auth; and not __fish_seen_subcommand_from login logout status" -f -a "logout" -d 'Remove the tokens and credentials this plugin stored for the cluster'
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand auth; and not __fish_seen_subcommand_from login logout status" -f -a "status" -d 'Show where the token comes from, its uid and expiry (never the token)'
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand auth; and __fish_seen_subcommand_from login" -l username -d 'The user or service account (default: [telemetry] uid, else DCOS_USERNAME)' -r
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand auth; and __fish_seen_subcommand_from login" -l password-file -d 'Read the password from FILE (else DCOS_PASSWORD, else a prompt on a terminal)' -r -F
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand auth; and __fish_seen_subcommand_from login" -l private-key -d 'Log in as a service account with this PEM private key (mode 0400 or 0600)' -r -F
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand auth; and __fish_seen_subcommand_from login" -l timeout -d 'Request timeout in seconds (0: none); default core.timeout, else 180' -r
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand auth; and __fish_seen_subcommand_from login" -l cluster -d 'Use this configured cluster (name or id) instead of the attached one' -r
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand auth; and __fish_seen_subcommand_from login" -l remember -d 'Also keep the password or private key in the keyring for automatic re-login'
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand auth; and __fish_seen_subcommand_from login" -l insecure-storage -d 'When no keyring is available, keep secrets in a 0600 plain-text file instead'
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand auth; and __fish_seen_subcommand_from login" -s h -l help -d 'Show this help'
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand auth; and __fish_seen_subcommand_from login" -s v -l verbose -d 'Log requests to stderr (-vv: with headers); never logs secrets'
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand auth; and __fish_seen_subcommand_from logout" -l timeout -d 'Request timeout in seconds (0: none); default core.timeout, else 180' -r
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand auth; and __fish_seen_subcommand_from logout" -l cluster -d 'Use this configured cluster (name or id) instead of the attached one' -r
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand auth; and __fish_seen_subcommand_from logout" -s h -l help -d 'Show this help'
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand auth; and __fish_seen_subcommand_from logout" -s v -l verbose -d 'Log requests to stderr (-vv: with headers); never logs secrets'
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand auth; and __fish_seen_subcommand_from status" -l timeout -d 'Request timeout in seconds (0: none); default core.timeout, else 180' -r
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand auth; and __fish_seen_subcommand_from status" -l cluster -d 'Use this configured cluster (name or id) instead of the attached one' -r
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand auth; and __fish_seen_subcommand_from status" -l json -d 'Print JSON (the schema is in the README)'
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand auth; and __fish_seen_subcommand_from status" -s h -l help -d 'Show this help'
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand auth; and __fish_seen_subcommand_from status" -s v -l verbose -d 'Log requests to stderr (-vv: with headers); never logs secrets'
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand send" -l event -d 'Only these events (repeat or comma-separate)' -r -f -a "health\t'unit health from dcos-diagnostics'
package_list\t'installed packages from Cosmos'
mesos_track\t'frameworks and resource use from Mesos'"
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand send" -l as-version -d 'Build the payload as this DC/OS version\'s dcos-signal would (default: the cluster\'s)' -r
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand send" -l report-file -d 'Build the health event from a saved health report (e.g. from a diagnostics bundle)' -r -F
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand send" -l cluster-id -d 'The cluster id to use with --report-file when no cluster is configured' -r
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand send" -l platform -d 'The `platform` property (default: [telemetry] platform, else onprem)' -r
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand send" -l provider -d 'The `provider` property (default: [telemetry] provider, else onprem)' -r
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand send" -l customer-key -d 'The `customerKey` property (Enterprise)' -r
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand send" -l license-id -d 'The `licenseId` property (Enterprise)' -r
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand send" -l signal-config -d 'Read platform, provider and customer key from a master\'s dcos-signal-config.json' -r -F
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand send" -l installer-config -d 'Read platform, provider and customer_key from the installer\'s config.yaml' -r -F
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand send" -l endpoint -d 'Post to this Segment-compatible collector (default: [telemetry] endpoint, else https://api.segment.io)' -r
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand send" -l endpoint-ca-file -d 'Trust only this CA bundle (PEM) for the collector (default: [telemetry] endpoint_ca, else the system roots)' -r -F
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand send" -l write-key-file -d 'Read the Segment write key from FILE (mode 0600 or 0400); default: [telemetry] write_key (DCOS_TELEMETRY_WRITE_KEY)' -r -F
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand send" -l expect-sha256 -d 'Refuse (exit 3) unless the events\' SHA-256 equal these, as `show-payload --segment` prints them' -r
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand send" -l retry-for -d 'Retry connection errors, 5xx and 429 for up to SECONDS in all (0: no retries; default 60)' -r
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand send" -l timeout -d 'Request timeout in seconds (0: none); default core.timeout, else 180' -r
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand send" -l cluster -d 'Use this configured cluster (name or id) instead of the attached one' -r
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand send" -l fresh -d 'Ask every node for a fresh health report (?cache=0, as dcos-signal does; can take a minute)'
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand send" -l endpoint-insecure -d 'Do not verify the collector\'s TLS certificate (default: [telemetry] endpoint_insecure)'
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand send" -l allow-partial -d 'Send the events that could be read when another one cannot (dcos-signal\'s behaviour); by default a partial payload sends nothing'
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand send" -l remember-write-key -d 'Keep the --write-key-file key in the OS keyring for this cluster (later sends need no file; not with --dry-run)'
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand send" -l dry-run -d 'Print exactly the bodies that would be posted (one per line) and send nothing'
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand send" -l json -d 'Print JSON (the schema is in the README)'
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand send" -s h -l help -d 'Show this help'
complete -c dcos-telemetry -n "__fish_dcos_telemetry_using_subcommand send" -s v -l verbose -d 'Log requests to stderr (-vv: with headers); never logs secrets'
