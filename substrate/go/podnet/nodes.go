package main

import (
	"net/netip"
	"sort"

	corev1 "k8s.io/api/core/v1"
)

// nodeInfo is the slice of a Node that podnet cares about. Zero-valued
// fields mean "not known yet" (e.g. podCIDR not yet allocated).
type nodeInfo struct {
	Name       string
	PodCIDR    netip.Prefix // first IPv4 pod CIDR
	InternalIP netip.Addr   // first IPv4 InternalIP
}

// nodeInfoFrom extracts the IPv4 pod CIDR and InternalIP. IPv6 values are
// skipped rather than rejected so dual-stack clusters still get IPv4 pod
// networking.
func nodeInfoFrom(n *corev1.Node) nodeInfo {
	ni := nodeInfo{Name: n.Name}
	cidrs := n.Spec.PodCIDRs
	if len(cidrs) == 0 && n.Spec.PodCIDR != "" {
		cidrs = []string{n.Spec.PodCIDR}
	}
	for _, c := range cidrs {
		if p, err := netip.ParsePrefix(c); err == nil && p.Addr().Is4() {
			ni.PodCIDR = p.Masked()
			break
		}
	}
	for _, a := range n.Status.Addresses {
		if a.Type != corev1.NodeInternalIP {
			continue
		}
		if ip, err := netip.ParseAddr(a.Address); err == nil && ip.Is4() {
			ni.InternalIP = ip
			break
		}
	}
	return ni
}

// nodeInfos converts a node list, sorted by name so that every later step
// (route choice on conflicts, log order) is deterministic.
func nodeInfos(nodes []corev1.Node) []nodeInfo {
	out := make([]nodeInfo, 0, len(nodes))
	for i := range nodes {
		out = append(out, nodeInfoFrom(&nodes[i]))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
