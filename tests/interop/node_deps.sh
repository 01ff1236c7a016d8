# shellcheck shell=bash
# Sourced by the interop tests that run node clients: installs the pinned
# packages of package.json and package-lock.json (here) with `npm ci` into
# NODE_DIR/node_modules, once per lock file.
#
# The sourcing script sets NAME (for messages), HERE (this directory) and
# NODE_DIR, then calls install_node_deps.
#
# The copy of the lock in node_modules says what was installed last; a lock
# file taken around npm keeps two runs (two build trees sharing the default
# NODE_DIR) from installing over each other.
install_node_deps() {
    mkdir -p "$NODE_DIR" || return 1
    exec 9>"$NODE_DIR/.sala-npm-install.lock"
    flock -w 600 9 || return 1
    if ! cmp -s "$HERE/package-lock.json" "$NODE_DIR/node_modules/.sala-installed-lock.json"; then
        if [[ $NODE_DIR != "$HERE" ]]; then
            cp "$HERE/package.json" "$HERE/package-lock.json" "$NODE_DIR/" || return 1
        fi
        echo "$NAME: npm ci in $NODE_DIR"
        (cd "$NODE_DIR" && timeout 200 npm ci --no-audit --no-fund --loglevel=error) || return 1
        cp "$HERE/package-lock.json" "$NODE_DIR/node_modules/.sala-installed-lock.json" || return 1
    fi
    exec 9>&-
}
