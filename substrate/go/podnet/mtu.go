package main

import (
	"errors"
	"net"
	"net/netip"

	"github.com/vishvananda/netlink"
)

// hostMTU returns the MTU pods should use: that of the interface carrying
// the default route (eth0 in a kind node), so pod packets routed to other
// nodes never exceed what the docker network carries. Falls back to the
// interface holding hostIP, then to 1500.
func hostMTU(hostIP netip.Addr) int {
	// ErrDumpInterrupted still returns usable (possibly partial) results.
	if routes, err := netlink.RouteList(nil, netlink.FAMILY_V4); err == nil || errors.Is(err, netlink.ErrDumpInterrupted) {
		for _, r := range routes {
			if !isDefaultRoute(r) || r.LinkIndex == 0 {
				continue
			}
			if l, err := netlink.LinkByIndex(r.LinkIndex); err == nil && l.Attrs().MTU > 0 {
				return l.Attrs().MTU
			}
		}
	}
	if hostIP.IsValid() {
		if ifs, err := net.Interfaces(); err == nil {
			for _, ifc := range ifs {
				addrs, _ := ifc.Addrs()
				for _, a := range addrs {
					if n, ok := a.(*net.IPNet); ok && n.IP.Equal(hostIP.AsSlice()) && ifc.MTU > 0 {
						return ifc.MTU
					}
				}
			}
		}
	}
	return 1500
}

// isDefaultRoute accepts both encodings netlink versions use for the
// default route: a nil Dst or 0.0.0.0/0.
func isDefaultRoute(r netlink.Route) bool {
	if r.Dst == nil {
		return true
	}
	ones, _ := r.Dst.Mask.Size()
	return ones == 0 && r.Dst.IP.IsUnspecified()
}
