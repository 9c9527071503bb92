package validate

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"go.uber.org/zap"

	"vigie/pipeline/bus"
)

// freePorts reserves n distinct loopback ports and releases them.
func freePorts(t *testing.T, n int) []int {
	t.Helper()
	var ports []int
	var lns []net.Listener
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		lns = append(lns, ln)
		ports = append(ports, ln.Addr().(*net.TCPAddr).Port)
	}
	for _, ln := range lns {
		ln.Close()
	}
	return ports
}

// TestNATSClusterConfig starts three servers from cluster.conf on loopback
// (only addresses, ports and folders changed: routes point at the three
// loopback route ports), declares Vigie's topology with R3 in the VIGIE
// account, and keeps publishing after one node stops.
func TestNATSClusterConfig(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a 3-node JetStream cluster; -short skips it")
	}
	env := natsTestEnv(t, "")
	routePorts := freePorts(t, 3)
	var routes []*url.URL
	for _, p := range routePorts {
		routes = append(routes, &url.URL{Scheme: "nats-route", Host: fmt.Sprintf("127.0.0.1:%d", p)})
	}
	var servers []*server.Server
	for i := range 3 {
		env["NATS_SERVER_NAME"] = fmt.Sprintf("n%d", i+1)
		opts := natsOptions(t, filepath.Join(deploymentsDir, "nats", "cluster.conf"), env)
		if len(opts.Routes) != 3 {
			t.Fatalf("cluster.conf has %d routes, want 3", len(opts.Routes))
		}
		opts.Host, opts.Port, opts.HTTPPort = "127.0.0.1", -1, 0
		opts.Cluster.Host, opts.Cluster.Port = "127.0.0.1", routePorts[i]
		opts.Routes = routes
		opts.StoreDir = t.TempDir()
		opts.NoLog, opts.NoSigs = true, true
		s, err := server.NewServer(opts)
		if err != nil {
			t.Fatalf("server n%d: %v", i+1, err)
		}
		go s.Start()
		t.Cleanup(s.Shutdown)
		servers = append(servers, s)
	}
	for i, s := range servers {
		if !s.ReadyForConnections(10 * time.Second) {
			t.Fatalf("server n%d not ready", i+1)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var urls []string
	for _, s := range servers {
		urls = append(urls, s.ClientURL())
	}
	top := bus.DefaultTopology()
	top.Replicas = 3
	b, err := bus.Connect(ctx, bus.ConnectConfig{URLs: urls, User: "vigie", Password: env["NATS_VIGIE_PASSWORD"], Name: "deployments-cluster-test"}, top, zap.NewNop())
	if err != nil {
		t.Fatalf("connect as vigie: %v", err)
	}
	defer b.Close()

	// The meta leader is elected after the routes connect: retry until the deadline.
	var applyErr error
	for {
		actx, acancel := context.WithTimeout(ctx, 5*time.Second)
		applyErr = b.Apply(actx)
		acancel()
		if applyErr == nil {
			break
		}
		t.Logf("apply: %v", applyErr)
		select {
		case <-ctx.Done():
			t.Fatalf("declare the R3 topology in account VIGIE: %v", applyErr)
		case <-time.After(250 * time.Millisecond):
		}
	}
	for _, sc := range top.Streams() {
		st, err := b.JS.Stream(ctx, sc.Name)
		if err != nil {
			t.Fatal(err)
		}
		info, err := st.Info(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if info.Config.Replicas != 3 || info.Cluster == nil || len(info.Cluster.Replicas) != 2 {
			t.Fatalf("stream %s: %d replicas, cluster %+v; want a leader and 2 replicas", sc.Name, info.Config.Replicas, info.Cluster)
		}
	}

	publish := func(from, to int) {
		t.Helper()
		for i := from; i < to; i++ {
			id := fmt.Sprintf("alert-%d", i)
			for {
				// Each attempt has its own deadline: an attempt made while the
				// stream elects a new leader gets no acknowledgement and is
				// retried with the same Nats-Msg-Id (stored once).
				pctx, pcancel := context.WithTimeout(ctx, 2*time.Second)
				_, err := b.Publish(pctx, bus.SubjectAlerts+".fr-75056", []byte(id), id, nil)
				pcancel()
				if err == nil {
					break
				}
				select {
				case <-ctx.Done():
					t.Fatalf("publish %s: %v", id, err)
				case <-time.After(100 * time.Millisecond):
				}
			}
		}
	}
	publish(0, 10)
	// The node leading ALERTS stops: R3 keeps a quorum of two, another node
	// takes the lead, and every publish is still acknowledged.
	st, err := b.JS.Stream(ctx, bus.StreamAlerts)
	if err != nil {
		t.Fatal(err)
	}
	info, err := st.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	leader := info.Cluster.Leader
	stopped := false
	for _, s := range servers {
		if s.Name() == leader {
			s.Shutdown()
			stopped = true
		}
	}
	if !stopped {
		t.Fatalf("ALERTS leader %q is none of the servers", leader)
	}
	publish(10, 20)
	ictx, icancel := context.WithTimeout(ctx, 5*time.Second)
	info, err = st.Info(ictx)
	icancel()
	if err != nil {
		t.Fatal(err)
	}
	if info.Cluster == nil || info.Cluster.Leader == leader || info.Cluster.Leader == "" {
		t.Errorf("ALERTS leader after %s stopped: %+v, want another node", leader, info.Cluster)
	}
	if info.State.Msgs != 20 {
		t.Fatalf("ALERTS holds %d messages after a node stopped, want 20", info.State.Msgs)
	}
}
