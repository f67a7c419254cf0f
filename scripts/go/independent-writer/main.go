// independent-writer: the election cross-check's second opinion. It shares nothing with the
// harness (another language, etcd's own Go client, its own process): one goroutine per member
// endpoint puts a key every -interval under a -timeout deadline, and prints one line per attempt:
//
//	<invoked CLOCK_MONOTONIC ns> <completed CLOCK_MONOTONIC ns> <endpoint> ok|fail
//
// CLOCK_MONOTONIC is the clock the harness's run clock reads (process.hrtime), so both histories
// land on one timeline. It runs until it gets SIGTERM or SIGINT.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"
	"golang.org/x/sys/unix"
)

func monotonicNs() int64 {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts); err != nil {
		panic(err)
	}
	return ts.Nano()
}

func main() {
	endpoints := flag.String("endpoints", "", "comma-separated member client URLs")
	cacert := flag.String("cacert", "", "CA bundle")
	cert := flag.String("cert", "", "client certificate")
	key := flag.String("key", "", "client key")
	prefix := flag.String("prefix", "/kube-ha-chaos/crosscheck/", "key prefix")
	interval := flag.Duration("interval", 10*time.Millisecond, "pause between two puts of one worker")
	timeout := flag.Duration("timeout", 200*time.Millisecond, "deadline of one put")
	flag.Parse()

	pair, err := tls.LoadX509KeyPair(*cert, *key)
	if err != nil {
		fmt.Fprintln(os.Stderr, "independent-writer:", err)
		os.Exit(2)
	}
	caPEM, err := os.ReadFile(*cacert)
	if err != nil {
		fmt.Fprintln(os.Stderr, "independent-writer:", err)
		os.Exit(2)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)

	var out sync.Mutex
	ctx, cancelAll := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer cancelAll()
	stop := ctx.Done()
	var wg sync.WaitGroup
	for _, ep := range strings.Split(*endpoints, ",") {
		// kubeadm's etcd serving certificates carry the node's IP, so verifying against it works.
		host := strings.TrimPrefix(strings.Split(strings.TrimPrefix(ep, "https://"), ":")[0], "[")
		cli, err := clientv3.New(clientv3.Config{
			Endpoints:   []string{ep},
			DialTimeout: *timeout,
			TLS:         &tls.Config{Certificates: []tls.Certificate{pair}, RootCAs: pool, ServerName: host, MinVersion: tls.VersionTLS12},
			Logger:      zap.NewNop(),
		})
		if err != nil {
			fmt.Fprintln(os.Stderr, "independent-writer:", err)
			os.Exit(2)
		}
		wg.Add(1)
		go func(ep string, cli *clientv3.Client) {
			defer wg.Done()
			defer cli.Close()
			for seq := 0; ; seq++ {
				select {
				case <-stop:
					return
				default:
				}
				invoked := monotonicNs()
				ctx, cancel := context.WithTimeout(context.Background(), *timeout)
				_, err := cli.Put(ctx, fmt.Sprintf("%s%s/%d", *prefix, host, seq), "x")
				cancel()
				completed := monotonicNs()
				outcome := "ok"
				if err != nil {
					outcome = "fail"
				}
				out.Lock()
				fmt.Printf("%d %d %s %s\n", invoked, completed, ep, outcome)
				out.Unlock()
				time.Sleep(*interval)
			}
		}(ep, cli)
	}
	wg.Wait()
}
