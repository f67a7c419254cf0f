package main

import (
	"fmt"
	"net"
	"net/netip"
	"strings"
)

// config is everything podnet reads from its environment. The DaemonSet
// fills it via the downward API and literal env values.
type config struct {
	NodeName             string
	HostIP               netip.Addr   // optional; only used as an MTU fallback hint
	PodSubnet            netip.Prefix // IPv4 cluster pod CIDR, used for masquerade
	CNIConfigDir         string
	ControlPlaneEndpoint string // host:port, optional
}

const defaultCNIConfigDir = "/etc/cni/net.d"

// parseConfig validates the environment. Any error here is a deployment
// mistake, which is the only case in which podnet exits non-zero.
func parseConfig(getenv func(string) string) (config, error) {
	c := config{
		NodeName:             strings.TrimSpace(getenv("NODE_NAME")),
		CNIConfigDir:         strings.TrimSpace(getenv("CNI_CONFIG_DIR")),
		ControlPlaneEndpoint: strings.TrimSpace(getenv("CONTROL_PLANE_ENDPOINT")),
	}
	if c.NodeName == "" {
		return c, fmt.Errorf("NODE_NAME is required (downward API spec.nodeName)")
	}
	if c.CNIConfigDir == "" {
		c.CNIConfigDir = defaultCNIConfigDir
	}
	if s := strings.TrimSpace(getenv("HOST_IP")); s != "" {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return c, fmt.Errorf("HOST_IP %q: %v", s, err)
		}
		c.HostIP = a
	}
	// kind passes the podSubnet verbatim, which may be dual-stack
	// ("10.244.0.0/16,fd00:10:244::/56"); podnet only handles IPv4.
	raw := strings.TrimSpace(getenv("POD_SUBNET"))
	if raw == "" {
		return c, fmt.Errorf("POD_SUBNET is required (e.g. 10.244.0.0/16)")
	}
	for _, part := range strings.Split(raw, ",") {
		p, err := netip.ParsePrefix(strings.TrimSpace(part))
		if err != nil {
			return c, fmt.Errorf("POD_SUBNET %q: %v", part, err)
		}
		if p.Addr().Is4() && !c.PodSubnet.IsValid() {
			c.PodSubnet = p.Masked()
		}
	}
	if !c.PodSubnet.IsValid() {
		return c, fmt.Errorf("POD_SUBNET %q has no IPv4 CIDR", raw)
	}
	if ep := c.ControlPlaneEndpoint; ep != "" {
		if _, _, err := net.SplitHostPort(ep); err != nil {
			return c, fmt.Errorf("CONTROL_PLANE_ENDPOINT %q must be host:port: %v", ep, err)
		}
	}
	return c, nil
}
