package main

import (
	"encoding/json"
	"net/netip"
	"testing"
)

func TestRenderConflist(t *testing.T) {
	b, err := renderConflist(netip.MustParsePrefix("10.244.2.0/24"), 65000)
	if err != nil {
		t.Fatal(err)
	}
	// Decode generically, the way containerd's libcni would see it.
	var got struct {
		CNIVersion string `json:"cniVersion"`
		Name       string `json:"name"`
		Plugins    []struct {
			Type         string          `json:"type"`
			IPMasq       *bool           `json:"ipMasq"`
			MTU          int             `json:"mtu"`
			Capabilities map[string]bool `json:"capabilities"`
			IPAM         struct {
				Type    string `json:"type"`
				DataDir string `json:"dataDir"`
				Routes  []struct {
					Dst string `json:"dst"`
				} `json:"routes"`
				Ranges [][]struct {
					Subnet string `json:"subnet"`
				} `json:"ranges"`
			} `json:"ipam"`
		} `json:"plugins"`
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("invalid JSON: %v\n%s", err, b)
	}
	if got.CNIVersion != "0.4.0" || got.Name != "kindnet" {
		t.Errorf("header = %q/%q", got.CNIVersion, got.Name)
	}
	if len(got.Plugins) != 2 {
		t.Fatalf("want 2 plugins, got %d", len(got.Plugins))
	}
	ptp, pm := got.Plugins[0], got.Plugins[1]
	if ptp.Type != "ptp" || ptp.IPMasq == nil || *ptp.IPMasq || ptp.MTU != 65000 {
		t.Errorf("ptp = %+v", ptp)
	}
	if ptp.IPAM.Type != "host-local" || ptp.IPAM.DataDir != "/run/cni-ipam-state" {
		t.Errorf("ipam = %+v", ptp.IPAM)
	}
	if len(ptp.IPAM.Ranges) != 1 || len(ptp.IPAM.Ranges[0]) != 1 || ptp.IPAM.Ranges[0][0].Subnet != "10.244.2.0/24" {
		t.Errorf("ranges = %+v", ptp.IPAM.Ranges)
	}
	if len(ptp.IPAM.Routes) != 1 || ptp.IPAM.Routes[0].Dst != "0.0.0.0/0" {
		t.Errorf("routes = %+v", ptp.IPAM.Routes)
	}
	if pm.Type != "portmap" || !pm.Capabilities["portMappings"] {
		t.Errorf("portmap = %+v", pm)
	}
}

func TestRenderConflistDefaultsAndStability(t *testing.T) {
	// Unmasked input and unknown MTU still give a canonical file.
	a, _ := renderConflist(netip.MustParsePrefix("10.244.1.7/24"), 0)
	b, _ := renderConflist(netip.MustParsePrefix("10.244.1.0/24"), 1500)
	if string(a) != string(b) {
		t.Errorf("render not canonical:\n%s\nvs\n%s", a, b)
	}
}
