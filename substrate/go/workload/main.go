// workload is the one program the suites' test workloads run, baked into the node image so nothing
// is pulled: `workload serve` answers HTTP (who served the request, and since when), and
// `workload get URL` is the client the connectivity checks run inside pods (the images have no shell
// tools). Standard library only, static.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) >= 3 && os.Args[1] == "get" {
		os.Exit(get(os.Args[2]))
	}
	serve()
}

type answer struct {
	Pod       string `json:"pod"`
	Node      string `json:"node"`
	PodIP     string `json:"podIP"`
	StartedAt string `json:"startedAt"`
	Path      string `json:"path"`
}

func serve() {
	addr := ":8080"
	if v := os.Getenv("LISTEN_ADDR"); v != "" {
		addr = v
	}
	started := time.Now().UTC().Format(time.RFC3339Nano)
	host, _ := os.Hostname()
	base := answer{Pod: envOr("POD_NAME", host), Node: os.Getenv("NODE_NAME"), PodIP: os.Getenv("POD_IP"), StartedAt: started}
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok\n") })
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		a := base
		a.Path = r.URL.Path
		w.Header().Set("Content-Type", "application/json")
		// Probes measure continuity: never let an intermediary cache an answer.
		w.Header().Set("Cache-Control", "no-store")
		_ = json.NewEncoder(w).Encode(a)
	})
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	fmt.Fprintf(os.Stderr, "workload: serving on %s\n", addr)
	if err := srv.ListenAndServe(); err != nil && err != http.ErrServerClosed {
		fmt.Fprintf(os.Stderr, "workload: %v\n", err)
		os.Exit(1)
	}
}

// get prints the body of url and exits 0 on a 2xx answer within 5 s; anything else exits 1.
func get(url string) int {
	client := &http.Client{Timeout: 5 * time.Second}
	resp, err := client.Get(url)
	if err != nil {
		fmt.Fprintf(os.Stderr, "workload get %s: %v\n", url, err)
		return 1
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	fmt.Print(string(body))
	if resp.StatusCode/100 != 2 {
		fmt.Fprintf(os.Stderr, "workload get %s: HTTP %d\n", url, resp.StatusCode)
		return 1
	}
	return 0
}

func envOr(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}
