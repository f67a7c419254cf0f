package main

import (
	"encoding/json"
	"net/netip"
)

// conflistName is the file containerd reads; the "10-" prefix makes it sort
// first, and the kindnet name keeps kind tooling that greps for it happy.
const conflistName = "10-kindnet.conflist"

// The CNI types below model only the fields podnet emits. Field order in
// the structs fixes the JSON order, so identical input renders identical
// bytes and the "write only on change" comparison is a plain byte compare.
type cniConflist struct {
	CNIVersion string `json:"cniVersion"`
	Name       string `json:"name"`
	Plugins    []any  `json:"plugins"`
}

type cniPTP struct {
	Type   string  `json:"type"`
	IPMasq bool    `json:"ipMasq"`
	MTU    int     `json:"mtu"`
	IPAM   cniIPAM `json:"ipam"`
}

type cniIPAM struct {
	Type string `json:"type"`
	// /run is a tmpfs in a kind node, so leases vanish when the node
	// container restarts instead of leaking addresses from dead pods.
	DataDir string           `json:"dataDir"`
	Routes  []cniRoute       `json:"routes"`
	Ranges  [][]cniRangeItem `json:"ranges"`
}

type cniRoute struct {
	Dst string `json:"dst"`
}

type cniRangeItem struct {
	Subnet string `json:"subnet"`
}

type cniPortmap struct {
	Type         string          `json:"type"`
	Capabilities map[string]bool `json:"capabilities"`
}

// renderConflist builds the CNI config for this node's pod CIDR. ipMasq is
// off because masquerading is done once, node-wide, by podnet's nftables
// rule (per-pod plugin masquerade would also SNAT pod-to-pod traffic).
func renderConflist(podCIDR netip.Prefix, mtu int) ([]byte, error) {
	if mtu <= 0 {
		mtu = 1500
	}
	c := cniConflist{
		// 0.4.0 is understood by every containerd and CNI plugin release
		// kind has shipped, and supports CHECK/portmap capabilities.
		CNIVersion: "0.4.0",
		Name:       "kindnet",
		Plugins: []any{
			cniPTP{
				Type:   "ptp",
				IPMasq: false,
				MTU:    mtu,
				IPAM: cniIPAM{
					Type:    "host-local",
					DataDir: "/run/cni-ipam-state",
					Routes:  []cniRoute{{Dst: "0.0.0.0/0"}},
					Ranges:  [][]cniRangeItem{{{Subnet: podCIDR.Masked().String()}}},
				},
			},
			cniPortmap{Type: "portmap", Capabilities: map[string]bool{"portMappings": true}},
		},
	}
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}
