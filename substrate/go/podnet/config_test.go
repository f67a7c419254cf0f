package main

import "testing"

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestParseConfig(t *testing.T) {
	c, err := parseConfig(envOf(map[string]string{
		"NODE_NAME":              "ha-worker",
		"HOST_IP":                "172.18.0.2",
		"POD_SUBNET":             "fd00:10:244::/56,10.244.0.0/16",
		"CONTROL_PLANE_ENDPOINT": "ha-external-load-balancer:6443",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.PodSubnet != pfx("10.244.0.0/16") || c.CNIConfigDir != "/etc/cni/net.d" || c.HostIP != addr("172.18.0.2") {
		t.Errorf("got %+v", c)
	}
}

func TestParseConfigErrors(t *testing.T) {
	for name, env := range map[string]map[string]string{
		"no node":      {"POD_SUBNET": "10.244.0.0/16"},
		"no subnet":    {"NODE_NAME": "n"},
		"ipv6 only":    {"NODE_NAME": "n", "POD_SUBNET": "fd00:10:244::/56"},
		"bad subnet":   {"NODE_NAME": "n", "POD_SUBNET": "10.244.0.0"},
		"bad host ip":  {"NODE_NAME": "n", "POD_SUBNET": "10.244.0.0/16", "HOST_IP": "nope"},
		"bad endpoint": {"NODE_NAME": "n", "POD_SUBNET": "10.244.0.0/16", "CONTROL_PLANE_ENDPOINT": "ha-lb"},
	} {
		if _, err := parseConfig(envOf(env)); err == nil {
			t.Errorf("%s: expected error", name)
		}
	}
}
