# shellcheck shell=bash
# Sourced by the TLS interop tests: a throwaway CA and a server certificate it
# signed, so that clients verify a real chain (a self-signed server
# certificate would be its own trust anchor and prove less).
#
#   make_test_ca DIR
#
# writes DIR/ca.pem (the only thing a client should trust), DIR/server.pem and
# DIR/server.key (for chat-server --tls-cert/--tls-key), valid for two days for
# DNS:localhost and IP:127.0.0.1. irssi matches only DNS names, chat-client
# connects by name too: both must be in the certificate. openssl's chatter
# goes to DIR/openssl.log; returns non-zero when any step fails.
make_test_ca() {
    local dir=$1
    local log="$dir/openssl.log"
    # P-256 keys: quick to make even on a loaded machine, unlike RSA.
    local newkey=(-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes)
    openssl req -x509 "${newkey[@]}" -keyout "$dir/ca.key" -out "$dir/ca.pem" -days 2 \
        -subj "/CN=sala interop test CA" \
        -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" >>"$log" 2>&1 || return 1
    openssl req -new "${newkey[@]}" -keyout "$dir/server.key" -out "$dir/server.csr" \
        -subj "/CN=localhost" >>"$log" 2>&1 || return 1
    # Extensions on the signing side: openssl x509 -req drops the request's own.
    cat >"$dir/server.ext" <<'EOF'
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
    openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" \
        -CAserial "$dir/ca.srl" -CAcreateserial -days 2 -extfile "$dir/server.ext" \
        -out "$dir/server.pem" >>"$log" 2>&1 || return 1
    # The chain must verify on its own terms before any client is blamed for it.
    openssl verify -CAfile "$dir/ca.pem" -verify_hostname localhost "$dir/server.pem" >>"$log" 2>&1 || return 1
}
