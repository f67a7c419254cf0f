// Command podnet is a minimal pod-network daemon for kind clusters, doing
// the job of kindnetd: it writes the node's CNI config, routes other
// nodes' pod CIDRs via their InternalIPs, and masquerades pod egress.
//
// It polls the API instead of relying on watches because it must keep
// working (and keep existing networking intact) while the API server is
// unreachable for minutes during chaos tests.
package main

import (
	"context"
	"log"
	"net/netip"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	corev1client "k8s.io/client-go/kubernetes/typed/core/v1"
)

const pollInterval = 5 * time.Second

func main() {
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	log.SetPrefix("podnet: ")

	cfg, err := parseConfig(os.Getenv)
	if err != nil {
		log.Printf("bad configuration: %v", err)
		os.Exit(2)
	}
	client, err := newCoreClient(cfg.ControlPlaneEndpoint)
	if err != nil {
		log.Printf("bad configuration: %v", err)
		os.Exit(2)
	}
	log.Printf("starting: node=%s hostIP=%v podSubnet=%s cniDir=%s endpoint=%q",
		cfg.NodeName, cfg.HostIP, cfg.PodSubnet, cfg.CNIConfigDir, cfg.ControlPlaneEndpoint)

	d := &daemon{
		cfg:    cfg,
		client: client,
		errs:   newThrottledLog(time.Minute),
	}
	d.routes = newRouteApplier(d.errs)
	d.routes.adopt()
	d.syncMasquerade(true)

	// On SIGTERM podnet exits and deliberately leaves routes, the
	// conflist and the nftables table in place: a restart or rolling
	// update of the DaemonSet must not cut running pods off.
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	ticker := time.NewTicker(pollInterval)
	defer ticker.Stop()
	for {
		d.syncOnce(ctx)
		select {
		case <-ctx.Done():
			log.Printf("stopping (network state left in place)")
			return
		case <-ticker.C:
		}
	}
}

// daemon holds the state carried between polls.
type daemon struct {
	cfg     config
	client  *corev1client.CoreV1Client
	errs    *throttledLog
	routes  *routeApplier
	ownCIDR netip.Prefix // last known; lets the conflist be restored while the API is down
}

func (d *daemon) syncOnce(ctx context.Context) {
	nodes, listOK := d.listNodes(ctx)
	if listOK {
		d.trackOwnCIDR(nodes)
	}
	d.syncConflist()
	d.routes.apply(planRoutes(d.cfg.NodeName, nodes, listOK, d.routes.installed))
	d.syncMasquerade(false)
}

func (d *daemon) listNodes(ctx context.Context) ([]nodeInfo, bool) {
	// A default (consistent) list rather than resourceVersion=0: a stale
	// cache on a lagging HA API server must not make a live node look gone.
	list, err := d.client.Nodes().List(ctx, metav1.ListOptions{})
	if err != nil {
		d.errs.Printf("api", "api: list nodes failed, keeping existing routes: %v", err)
		return nil, false
	}
	if d.errs.Clear("api") {
		log.Printf("api: list nodes recovered (%d nodes)", len(list.Items))
	}
	return nodeInfos(list.Items), true
}

func (d *daemon) trackOwnCIDR(nodes []nodeInfo) {
	for _, n := range nodes {
		if n.Name != d.cfg.NodeName {
			continue
		}
		if !n.PodCIDR.IsValid() {
			d.errs.Printf("own-cidr", "node %s has no IPv4 podCIDR yet; waiting", n.Name)
			return
		}
		d.errs.Clear("own-cidr")
		if n.PodCIDR != d.ownCIDR {
			log.Printf("node %s podCIDR is %s", n.Name, n.PodCIDR)
			d.ownCIDR = n.PodCIDR
		}
		return
	}
	d.errs.Printf("own-cidr", "node %s not found in node list; waiting", d.cfg.NodeName)
}

func (d *daemon) syncConflist() {
	if !d.ownCIDR.IsValid() {
		return
	}
	content, err := renderConflist(d.ownCIDR, hostMTU(d.cfg.HostIP))
	if err != nil {
		d.errs.Printf("cni", "cni: render conflist: %v", err)
		return
	}
	path := filepath.Join(d.cfg.CNIConfigDir, conflistName)
	wrote, err := writeIfChanged(path, content)
	if err != nil {
		d.errs.Printf("cni", "cni: write %s: %v", path, err)
		return
	}
	d.errs.Clear("cni")
	if wrote {
		log.Printf("cni: wrote %s (subnet %s)", path, d.ownCIDR)
	}
}

func (d *daemon) syncMasquerade(force bool) {
	created, err := ensureMasquerade(d.cfg.PodSubnet, force)
	if err != nil {
		d.errs.Printf("masq", "masquerade: WARNING, pod egress will not be SNATed: %v", err)
		return
	}
	d.errs.Clear("masq")
	if created {
		log.Printf("masquerade: programmed table ip %s (saddr %s daddr != %s masquerade)",
			masqTable, d.cfg.PodSubnet, d.cfg.PodSubnet)
	}
}
