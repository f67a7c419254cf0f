package main

import (
	"fmt"
	"net"
	"os"
	"time"

	corev1client "k8s.io/client-go/kubernetes/typed/core/v1"
	"k8s.io/client-go/rest"
)

// apiTimeout bounds every API call. Without it a request to a dead
// control plane could hang the whole loop, and the loop is what keeps
// re-asserting routes during an outage.
const apiTimeout = 10 * time.Second

// newCoreClient builds a CoreV1-only client (smaller binary than the full
// clientset) from the pod's service account.
//
// When CONTROL_PLANE_ENDPOINT is set the API server is reached directly
// instead of through the kubernetes Service VIP: pod networking has to come
// up before kube-proxy can program that VIP, and the VIP's reachability is
// exactly what chaos tests break.
func newCoreClient(endpoint string) (*corev1client.CoreV1Client, error) {
	if endpoint != "" {
		host, port, err := net.SplitHostPort(endpoint)
		if err != nil {
			return nil, fmt.Errorf("CONTROL_PLANE_ENDPOINT: %w", err)
		}
		// InClusterConfig derives the server URL (correctly bracketing
		// IPv6) from these two variables; overriding them keeps the
		// service-account token and CA handling in client-go.
		os.Setenv("KUBERNETES_SERVICE_HOST", host)
		os.Setenv("KUBERNETES_SERVICE_PORT", port)
	}
	cfg, err := rest.InClusterConfig()
	if err != nil {
		return nil, fmt.Errorf("in-cluster config: %w", err)
	}
	cfg.Timeout = apiTimeout
	cfg.UserAgent = "podnet"
	return corev1client.NewForConfig(cfg)
}
