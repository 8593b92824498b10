# bash completion for message-capture-parser. Installed where bash-completion
# loads it on first use (share/bash-completion/completions); it can also be
# sourced by hand. test/package/completion_test.sh checks it against --help.

_message_capture_parser() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    case $prev in
        -o|--output)
            # A file to write, or - for standard output.
            mapfile -t COMPREPLY < <(compgen -f -- "$cur")
            return
            ;;
        -j|--jobs)
            mapfile -t COMPREPLY < <(compgen -W "0 1 2 4 8" -- "$cur")
            return
            ;;
        -f|--format)
            mapfile -t COMPREPLY < <(compgen -W "json ndjson pcap corpus" -- "$cur")
            return
            ;;
        -d|--direction|--stdin-direction)
            mapfile -t COMPREPLY < <(compgen -W "recv sent" -- "$cur")
            return
            ;;
        -t|--type|--not-type)
            mapfile -t COMPREPLY < <(compgen -W "addr addrv2 block blocktxn cfcheckpt cfheaders cfilter cmpctblock feefilter filteradd filterclear filterload getaddr getblocks getblocktxn getcfcheckpt getcfheaders getcfilters getdata getheaders headers inv mempool merkleblock notfound ping pong sendaddrv2 sendcmpct sendheaders sendtxrcncl tx verack version wtxidrelay" -- "$cur")
            return
            ;;
        --chain)
            mapfile -t COMPREPLY < <(compgen -W "main test testnet4 signet regtest" -- "$cur")
            return
            ;;
        -p|--peer|--since|--until|-l|--limit|--grace)
            return  # a value only the user knows
            ;;
    esac
    if [[ $cur == -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "-h --help -V --version -o --output -n --no-progress-bar -j --jobs -f --format -t --type --not-type -d --direction -p --peer --since --until -l --limit -s --stats -a --annotate --stdin-direction --chain --follow --poll --grace" -- "$cur")
        return
    fi
    # Capture files (msgs_*.dat, msgs_*.dat.zst) and the directories that hold them.
    local path
    COMPREPLY=()
    while IFS= read -r path; do
        [[ -d $path || $path == *.dat || $path == *.dat.zst ]] && COMPREPLY+=("$path")
    done < <(compgen -f -- "$cur")
}
complete -o filenames -F _message_capture_parser message-capture-parser
