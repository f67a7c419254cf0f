package main

import (
	"errors"
	"log"
	"net"
	"net/netip"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// routeProtocol tags podnet's routes in the kernel (see "proto" in
// `ip route`). It lets a restarted podnet find and adopt the routes its
// predecessor installed, so it can still clean up after nodes that were
// deleted while it was down. 158 is unassigned in iproute2's rt_protos.
const routeProtocol = netlink.RouteProtocol(158)

// routeApplier programs the main routing table and remembers what it
// installed (dst -> gw); that memory is the "installed" input of planRoutes.
type routeApplier struct {
	installed map[netip.Prefix]netip.Addr
	errs      *throttledLog
}

func newRouteApplier(errs *throttledLog) *routeApplier {
	return &routeApplier{installed: map[netip.Prefix]netip.Addr{}, errs: errs}
}

// adopt loads routes carrying podnet's protocol tag from the kernel.
func (r *routeApplier) adopt() {
	filter := &netlink.Route{Table: unix.RT_TABLE_MAIN, Protocol: routeProtocol}
	routes, err := netlink.RouteListFiltered(netlink.FAMILY_V4, filter,
		netlink.RT_FILTER_TABLE|netlink.RT_FILTER_PROTOCOL)
	if err != nil && !errors.Is(err, netlink.ErrDumpInterrupted) {
		log.Printf("route: cannot list existing podnet routes: %v", err)
		return
	}
	for _, rt := range routes {
		dst, ok1 := prefixFromIPNet(rt.Dst)
		gw, ok2 := netip.AddrFromSlice(rt.Gw)
		if !ok1 || !ok2 {
			continue
		}
		r.installed[dst] = gw.Unmap()
		log.Printf("route: adopted existing %s via %s", dst, gw.Unmap())
	}
}

func (r *routeApplier) apply(plan routePlan) {
	for _, pr := range plan.Ensure {
		key := "route-ensure " + pr.Dst.String()
		if err := netlink.RouteReplace(kernelRoute(pr)); err != nil {
			r.errs.Printf(key, "route: replace %s via %s failed: %v", pr.Dst, pr.Gw, err)
			continue
		}
		r.errs.Clear(key)
		if old, ok := r.installed[pr.Dst]; !ok {
			log.Printf("route: added %s via %s", pr.Dst, pr.Gw)
		} else if old != pr.Gw {
			log.Printf("route: changed %s via %s (was via %s)", pr.Dst, pr.Gw, old)
		}
		r.installed[pr.Dst] = pr.Gw
	}
	for _, pr := range plan.Remove {
		key := "route-remove " + pr.Dst.String()
		err := netlink.RouteDel(kernelRoute(pr))
		if err != nil && !errors.Is(err, unix.ESRCH) { // ESRCH: already gone
			r.errs.Printf(key, "route: delete %s via %s failed: %v", pr.Dst, pr.Gw, err)
			continue
		}
		r.errs.Clear(key)
		delete(r.installed, pr.Dst)
		log.Printf("route: removed %s via %s (node gone)", pr.Dst, pr.Gw)
	}
}

func kernelRoute(pr podRoute) *netlink.Route {
	return &netlink.Route{
		Dst:      &net.IPNet{IP: pr.Dst.Addr().AsSlice(), Mask: net.CIDRMask(pr.Dst.Bits(), 32)},
		Gw:       pr.Gw.AsSlice(),
		Table:    unix.RT_TABLE_MAIN,
		Protocol: routeProtocol,
	}
}

func prefixFromIPNet(n *net.IPNet) (netip.Prefix, bool) {
	if n == nil {
		return netip.Prefix{}, false
	}
	a, ok := netip.AddrFromSlice(n.IP)
	if !ok {
		return netip.Prefix{}, false
	}
	ones, _ := n.Mask.Size()
	return netip.PrefixFrom(a.Unmap(), ones).Masked(), true
}
