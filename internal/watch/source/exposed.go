package source

import (
	"log/slog"
	"net"
)

// WarnIfExposed logs a warning when l accepts connections from other hosts
// in clear text: ":9780" or "http://:9781" bind every interface, which is
// easy to do by accident and puts the ingest secret (or the metrics) on
// the network unencrypted. It judges the bound address, so a host name
// that resolved to a loopback address counts as loopback.
func WarnIfExposed(log *slog.Logger, l net.Listener, what string, tls bool) {
	if tls || Loopback(l.Addr()) {
		return
	}
	log.Warn(what+" listens beyond this host without TLS: bind 127.0.0.1 (or put TLS in front) unless other hosts must reach it",
		"listen", l.Addr().String())
}

// Loopback reports whether addr only accepts connections from this host.
func Loopback(addr net.Addr) bool {
	tcp, ok := addr.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}
