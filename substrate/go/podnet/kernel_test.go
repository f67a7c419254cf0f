package main

import (
	"net"
	"net/netip"
	"os"
	"runtime"
	"testing"

	"github.com/google/nftables"
	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
)

// TestKernel exercises the real netlink/nftables code inside a throwaway
// network namespace, so it never touches the host's networking. It needs
// root (CAP_NET_ADMIN) and is skipped otherwise.
func TestKernel(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root for a private network namespace")
	}
	// Each test runs on its own goroutine. Locking it to its thread and
	// never unlocking makes the runtime discard the thread when the test
	// ends, so the namespace cannot leak into other tests.
	runtime.LockOSThread()
	ns, err := netns.New()
	if err != nil {
		t.Skipf("cannot create netns: %v", err)
	}
	defer ns.Close()
	kernelScenario(t)
}

func kernelScenario(t *testing.T) {
	// A fake kind node: eth0 172.18.0.2/16, default route via the bridge.
	lo, _ := netlink.LinkByName("lo")
	must(t, netlink.LinkSetUp(lo))
	// veth rather than dummy: kind nodes need veth anyway, dummy may be absent.
	must(t, netlink.LinkAdd(&netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: "eth0", MTU: 1400}, PeerName: "peer0"}))
	peer, err := netlink.LinkByName("peer0")
	must(t, err)
	must(t, netlink.LinkSetUp(peer))
	eth0, err := netlink.LinkByName("eth0")
	must(t, err)
	a, _ := netlink.ParseAddr("172.18.0.2/16")
	must(t, netlink.AddrAdd(eth0, a))
	must(t, netlink.LinkSetUp(eth0))
	must(t, netlink.RouteAdd(&netlink.Route{LinkIndex: eth0.Attrs().Index, Gw: net.ParseIP("172.18.0.1")}))

	if mtu := hostMTU(netip.Addr{}); mtu != 1400 {
		t.Errorf("hostMTU = %d, want 1400", mtu)
	}

	// Install routes for two peers, then adopt them as a restarted podnet.
	ra := newRouteApplier(newThrottledLog(0))
	ra.apply(planRoutes("ha-worker", kindNodes(), true, ra.installed))
	if len(ra.installed) != 2 {
		t.Fatalf("installed = %v", ra.installed)
	}
	again := newRouteApplier(newThrottledLog(0))
	again.adopt()
	if len(again.installed) != 2 || again.installed[pfx("10.244.2.0/24")] != addr("172.18.0.4") {
		t.Fatalf("adopted = %v", again.installed)
	}
	// API outage: nothing removed. Then ha-worker2 is deleted.
	again.apply(planRoutes("ha-worker", nil, false, again.installed))
	if n := len(podnetKernelRoutes(t)); n != 2 {
		t.Errorf("after outage %d routes, want 2", n)
	}
	again.apply(planRoutes("ha-worker", kindNodes()[:2], true, again.installed))
	rs := podnetKernelRoutes(t)
	if len(rs) != 1 || rs[0].Dst.String() != "10.244.0.0/24" || !rs[0].Gw.Equal(net.ParseIP("172.18.0.3")) {
		t.Errorf("after delete: %v", rs)
	}

	// Masquerade: forced create, idempotent check, repair after removal.
	if created, err := ensureMasquerade(pfx("10.244.0.0/16"), true); err != nil || !created {
		t.Fatalf("force: created=%v err=%v", created, err)
	}
	if created, err := ensureMasquerade(pfx("10.244.0.0/16"), true); err != nil || !created {
		t.Fatalf("second force (flush+recreate): created=%v err=%v", created, err)
	}
	if created, err := ensureMasquerade(pfx("10.244.0.0/16"), false); err != nil || created {
		t.Fatalf("check: created=%v err=%v", created, err)
	}
	c, err := nftables.New()
	must(t, err)
	tbl := &nftables.Table{Name: masqTable, Family: nftables.TableFamilyIPv4}
	ch, err := c.ListChain(tbl, masqChain)
	must(t, err)
	rules, err := c.GetRules(tbl, ch)
	must(t, err)
	if len(rules) != 1 || len(rules[0].Exprs) != 7 {
		t.Errorf("rules = %d (want exactly 1 rule with 7 exprs)", len(rules))
	}
	c.DelTable(tbl)
	must(t, c.Flush())
	if created, err := ensureMasquerade(pfx("10.244.0.0/16"), false); err != nil || !created {
		t.Fatalf("repair: created=%v err=%v", created, err)
	}
}

func podnetKernelRoutes(t *testing.T) []netlink.Route {
	rs, err := netlink.RouteListFiltered(netlink.FAMILY_V4,
		&netlink.Route{Table: 254, Protocol: routeProtocol},
		netlink.RT_FILTER_TABLE|netlink.RT_FILTER_PROTOCOL)
	must(t, err)
	return rs
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
