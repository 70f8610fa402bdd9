# A stand-in for the parts of the DC/OS CLI's completion script (`dcos completion bash`) that a
# plugin's completion file relies on, written from their documented behaviour
# (shared/spec/dcos-cli-plugin-contract.md §3):
#
# - __dcos_default_command_parse: from word $c on, skips words starting with -, returns 1 at
#   --help/-h, and otherwise stores the first other word in $command and moves $c past it;
# - __dcos_handle_compreply: adds each argument starting with $cur to COMPREPLY, with a trailing
#   space unless it looks like --name=...;
# - __dcos_handle_subcommand: if $command is in the caller's commands array, calls
#   ${last_command}_<command with - as _> when that function exists;
# - _dcos: the top level, here with the plugin command only;
# - __dcos_test_complete CWORD WORD...: what the CLI's entry point does once bash-completion's
#   _get_comp_words_by_ref -n "=:" has split the line (so --name=value stays one word), then
#   prints each candidate as <candidate> on its own line.

__dcos_default_command_parse() {
    while [ "$c" -lt "$cword" ]; do
        i="${words[c]}"
        c=$((c + 1))
        case "$i" in
            --help | -h) return 1 ;;
            -*) ;;
            *)
                command="$i"
                return 0
                ;;
        esac
    done
    return 0
}

__dcos_handle_compreply() {
    local candidate
    for candidate in "$@"; do
        if [[ "$candidate" != "$cur"* ]]; then
            continue
        fi
        if [[ "$candidate" == --*=* ]]; then
            COMPREPLY+=("$candidate")
        else
            COMPREPLY+=("$candidate ")
        fi
    done
}

__dcos_handle_subcommand() {
    local known next
    for known in "${commands[@]}"; do
        if [ "$known" = "$command" ]; then
            next="${last_command}_${command//-/_}"
            last_command="$next"
            if declare -F "$next" >/dev/null; then
                "$next"
            fi
            return
        fi
    done
}

_dcos() {
    local i c=1 command
    if ! __dcos_default_command_parse; then
        return
    fi
    local commands=("telemetry")
    if [ -z "$command" ]; then
        __dcos_handle_compreply "${commands[@]}"
        return
    fi
    __dcos_handle_subcommand
}

__dcos_test_complete() {
    local cword="$1"
    shift
    local words=("$@")
    local cur="${words[cword]}" prev="${words[cword - 1]}" last_command="_dcos"
    COMPREPLY=()
    _dcos
    local candidate
    for candidate in "${COMPREPLY[@]}"; do
        printf '<%s>\n' "$candidate"
    done
}
