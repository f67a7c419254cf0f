package main

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestNodeInfosDualStack(t *testing.T) {
	nodes := []corev1.Node{
		{
			ObjectMeta: metav1.ObjectMeta{Name: "ha-worker2"},
			Spec:       corev1.NodeSpec{PodCIDR: "fd00:10:244:2::/64", PodCIDRs: []string{"fd00:10:244:2::/64", "10.244.2.0/24"}},
			Status: corev1.NodeStatus{Addresses: []corev1.NodeAddress{
				{Type: corev1.NodeHostName, Address: "ha-worker2"},
				{Type: corev1.NodeInternalIP, Address: "fc00:f853:ccd:e793::4"},
				{Type: corev1.NodeInternalIP, Address: "172.18.0.4"},
			}},
		},
		{
			// Older clusters only fill the singular field.
			ObjectMeta: metav1.ObjectMeta{Name: "ha-control-plane"},
			Spec:       corev1.NodeSpec{PodCIDR: "10.244.0.0/24"},
			Status: corev1.NodeStatus{Addresses: []corev1.NodeAddress{
				{Type: corev1.NodeInternalIP, Address: "172.18.0.3"},
			}},
		},
		{ObjectMeta: metav1.ObjectMeta{Name: "ha-worker3"}}, // just joined
	}
	got := nodeInfos(nodes)
	want := []nodeInfo{
		{Name: "ha-control-plane", PodCIDR: pfx("10.244.0.0/24"), InternalIP: addr("172.18.0.3")},
		{Name: "ha-worker2", PodCIDR: pfx("10.244.2.0/24"), InternalIP: addr("172.18.0.4")},
		{Name: "ha-worker3"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("[%d] got %+v want %+v", i, got[i], want[i])
		}
	}
}
