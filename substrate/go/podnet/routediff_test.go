package main

import (
	"net/netip"
	"reflect"
	"testing"
)

var (
	pfx  = netip.MustParsePrefix
	addr = netip.MustParseAddr
)

// A three-node kind cluster as seen from ha-worker.
func kindNodes() []nodeInfo {
	return []nodeInfo{
		{Name: "ha-control-plane", PodCIDR: pfx("10.244.0.0/24"), InternalIP: addr("172.18.0.3")},
		{Name: "ha-worker", PodCIDR: pfx("10.244.1.0/24"), InternalIP: addr("172.18.0.2")},
		{Name: "ha-worker2", PodCIDR: pfx("10.244.2.0/24"), InternalIP: addr("172.18.0.4")},
	}
}

func TestPlanRoutesFreshStart(t *testing.T) {
	got := planRoutes("ha-worker", kindNodes(), true, map[netip.Prefix]netip.Addr{})
	want := routePlan{Ensure: []podRoute{
		{pfx("10.244.0.0/24"), addr("172.18.0.3")},
		{pfx("10.244.2.0/24"), addr("172.18.0.4")},
	}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}

func TestPlanRoutesNodeDeleted(t *testing.T) {
	installed := map[netip.Prefix]netip.Addr{
		pfx("10.244.0.0/24"): addr("172.18.0.3"),
		pfx("10.244.2.0/24"): addr("172.18.0.4"),
	}
	nodes := kindNodes()[:2] // ha-worker2 removed from the cluster
	got := planRoutes("ha-worker", nodes, true, installed)
	want := routePlan{
		Ensure: []podRoute{{pfx("10.244.0.0/24"), addr("172.18.0.3")}},
		Remove: []podRoute{{pfx("10.244.2.0/24"), addr("172.18.0.4")}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}

func TestPlanRoutesAPIErrorKeepsRoutes(t *testing.T) {
	installed := map[netip.Prefix]netip.Addr{
		pfx("10.244.0.0/24"): addr("172.18.0.3"),
		pfx("10.244.2.0/24"): addr("172.18.0.4"),
	}
	// A failed list yields no nodes; that must not read as "all gone".
	got := planRoutes("ha-worker", nil, false, installed)
	if len(got.Remove) != 0 {
		t.Fatalf("API error removed routes: %+v", got.Remove)
	}
	want := []podRoute{
		{pfx("10.244.0.0/24"), addr("172.18.0.3")},
		{pfx("10.244.2.0/24"), addr("172.18.0.4")},
	}
	if !reflect.DeepEqual(got.Ensure, want) {
		t.Errorf("outage should re-assert installed routes: got %+v", got.Ensure)
	}
}

func TestPlanRoutesNodeIPChanged(t *testing.T) {
	installed := map[netip.Prefix]netip.Addr{pfx("10.244.2.0/24"): addr("172.18.0.4")}
	nodes := kindNodes()
	nodes[2].InternalIP = addr("172.18.0.9") // node container restarted with a new IP
	got := planRoutes("ha-worker", nodes, true, installed)
	if len(got.Remove) != 0 {
		t.Errorf("gateway change should replace, not remove: %+v", got.Remove)
	}
	if !containsRoute(got.Ensure, podRoute{pfx("10.244.2.0/24"), addr("172.18.0.9")}) {
		t.Errorf("new gateway missing: %+v", got.Ensure)
	}
}

func TestPlanRoutesNodeLostAddressKeepsRoute(t *testing.T) {
	installed := map[netip.Prefix]netip.Addr{pfx("10.244.2.0/24"): addr("172.18.0.4")}
	nodes := kindNodes()
	nodes[2].InternalIP = netip.Addr{} // status briefly without addresses
	got := planRoutes("ha-worker", nodes, true, installed)
	if len(got.Remove) != 0 {
		t.Errorf("node still exists, route must stay: %+v", got.Remove)
	}
	if !containsRoute(got.Ensure, podRoute{pfx("10.244.2.0/24"), addr("172.18.0.4")}) {
		t.Errorf("old route should be kept: %+v", got.Ensure)
	}
}

func TestPlanRoutesSkipsSelfAndIncompleteNodes(t *testing.T) {
	nodes := append(kindNodes(),
		nodeInfo{Name: "ha-worker3", InternalIP: addr("172.18.0.5")}, // no podCIDR yet
		nodeInfo{Name: "ha-worker4", PodCIDR: pfx("10.244.4.0/24")},  // no IPv4 address
	)
	got := planRoutes("ha-worker", nodes, true, nil)
	for _, r := range got.Ensure {
		if r.Dst == pfx("10.244.1.0/24") {
			t.Errorf("own CIDR must not be routed: %+v", r)
		}
	}
	if len(got.Ensure) != 2 || len(got.Remove) != 0 {
		t.Errorf("got %+v", got)
	}
}

func TestPlanRoutesRemovesStaleRouteToOwnCIDR(t *testing.T) {
	// Adopted from a previous run, but the CIDR now belongs to this node.
	installed := map[netip.Prefix]netip.Addr{pfx("10.244.1.0/24"): addr("172.18.0.7")}
	got := planRoutes("ha-worker", kindNodes(), true, installed)
	if !reflect.DeepEqual(got.Remove, []podRoute{{pfx("10.244.1.0/24"), addr("172.18.0.7")}}) {
		t.Errorf("got %+v", got.Remove)
	}
}

func TestPlanRoutesConflictIsDeterministic(t *testing.T) {
	nodes := []nodeInfo{
		{Name: "a", PodCIDR: pfx("10.244.5.0/24"), InternalIP: addr("172.18.0.10")},
		{Name: "b", PodCIDR: pfx("10.244.5.0/24"), InternalIP: addr("172.18.0.11")},
	}
	got := planRoutes("self", nodes, true, nil)
	want := []podRoute{{pfx("10.244.5.0/24"), addr("172.18.0.10")}}
	if !reflect.DeepEqual(got.Ensure, want) {
		t.Errorf("got %+v", got.Ensure)
	}
}

func containsRoute(rs []podRoute, r podRoute) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}
