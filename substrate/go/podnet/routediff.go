package main

import (
	"net/netip"
	"sort"
)

// podRoute is "<Dst> via <Gw>": another node's pod CIDR reached through
// that node's InternalIP on the shared kind docker network.
type podRoute struct {
	Dst netip.Prefix
	Gw  netip.Addr
}

// routePlan is what the applier should do this round.
type routePlan struct {
	Ensure []podRoute // RouteReplace each (idempotent; repairs drift)
	Remove []podRoute // RouteDel each
}

// planRoutes compares the routes wanted by the latest node list with the
// routes podnet has installed (dst -> gw).
//
// The key safety rule: a route is only removed when a *successful* list
// shows that no other node owns its CIDR any more. When the list failed
// (listOK=false) — e.g. the API server is down for minutes in a chaos test
// — the plan re-asserts everything already installed and removes nothing,
// so pod-to-pod traffic across nodes keeps flowing.
//
// A node that still owns a CIDR but temporarily has no IPv4 InternalIP
// keeps its old route too: the node is not "positively gone".
func planRoutes(self string, nodes []nodeInfo, listOK bool, installed map[netip.Prefix]netip.Addr) routePlan {
	var plan routePlan
	if !listOK {
		for dst, gw := range installed {
			plan.Ensure = append(plan.Ensure, podRoute{Dst: dst, Gw: gw})
		}
		sortRoutes(plan.Ensure)
		return plan
	}

	desired := map[netip.Prefix]netip.Addr{}
	claimed := map[netip.Prefix]bool{}
	for _, n := range nodes { // sorted by name: first claimant wins a conflict
		if n.Name == self || !n.PodCIDR.IsValid() {
			continue
		}
		claimed[n.PodCIDR] = true
		if _, dup := desired[n.PodCIDR]; dup || !n.InternalIP.IsValid() {
			continue
		}
		desired[n.PodCIDR] = n.InternalIP
	}

	for dst, gw := range desired {
		plan.Ensure = append(plan.Ensure, podRoute{Dst: dst, Gw: gw})
	}
	for dst, gw := range installed {
		if _, ok := desired[dst]; ok {
			continue
		}
		if claimed[dst] {
			// Owner still exists but lacks an address right now.
			plan.Ensure = append(plan.Ensure, podRoute{Dst: dst, Gw: gw})
			continue
		}
		plan.Remove = append(plan.Remove, podRoute{Dst: dst, Gw: gw})
	}
	sortRoutes(plan.Ensure)
	sortRoutes(plan.Remove)
	return plan
}

func sortRoutes(rs []podRoute) {
	sort.Slice(rs, func(i, j int) bool {
		if c := rs[i].Dst.Addr().Compare(rs[j].Dst.Addr()); c != 0 {
			return c < 0
		}
		return rs[i].Dst.Bits() < rs[j].Dst.Bits()
	})
}
