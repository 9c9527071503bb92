package bustest

import (
	"fmt"
	"net"
	"net/url"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// Cluster is a JetStream cluster of in-process servers on 127.0.0.1.
type Cluster struct {
	t       testing.TB
	name    string
	dirs    []string
	ports   []int
	cports  []int
	Servers []*server.Server
}

// FreePort returns a free TCP port on 127.0.0.1.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// NewCluster starts n clustered JetStream servers and waits until they
// have a meta leader.
func NewCluster(t testing.TB, n int) *Cluster {
	t.Helper()
	c := &Cluster{t: t, name: "vigie-test", Servers: make([]*server.Server, n)}
	for i := 0; i < n; i++ {
		c.dirs = append(c.dirs, t.TempDir())
		c.ports = append(c.ports, FreePort(t))
		c.cports = append(c.cports, FreePort(t))
	}
	for i := 0; i < n; i++ {
		c.Start(i)
	}
	t.Cleanup(func() {
		for _, s := range c.Servers {
			if s != nil {
				s.Shutdown()
				s.WaitForShutdown()
			}
		}
	})
	c.WaitLeader()
	return c
}

// Start (re)starts server i with its store folder and ports.
func (c *Cluster) Start(i int) {
	c.t.Helper()
	var routes []*url.URL
	for j, p := range c.cports {
		if j != i {
			routes = append(routes, &url.URL{Scheme: "nats-route", Host: fmt.Sprintf("127.0.0.1:%d", p)})
		}
	}
	opts := &server.Options{
		ServerName: fmt.Sprintf("n%d", i+1),
		Host:       "127.0.0.1",
		Port:       c.ports[i],
		JetStream:  true,
		StoreDir:   c.dirs[i],
		NoLog:      true,
		NoSigs:     true,
		Cluster:    server.ClusterOpts{Name: c.name, Host: "127.0.0.1", Port: c.cports[i]},
		Routes:     routes,
	}
	s, err := server.NewServer(opts)
	if err != nil {
		c.t.Fatalf("new server n%d: %v", i+1, err)
	}
	go s.Start()
	if !s.ReadyForConnections(20 * time.Second) {
		c.t.Fatalf("server n%d not ready", i+1)
	}
	c.Servers[i] = s
}

// Stop shuts server i down (its store stays for a restart).
func (c *Cluster) Stop(i int) {
	c.Servers[i].Shutdown()
	c.Servers[i].WaitForShutdown()
	c.Servers[i] = nil
}

// URLs are the client URLs of every server, running or not.
func (c *Cluster) URLs() []string {
	out := make([]string, len(c.ports))
	for i, p := range c.ports {
		out[i] = fmt.Sprintf("nats://127.0.0.1:%d", p)
	}
	return out
}

// WaitLeader waits until the running servers agree on a JetStream meta leader.
func (c *Cluster) WaitLeader() {
	c.t.Helper()
	Eventually(c.t, 30*time.Second, "a JetStream meta leader", func() bool {
		for _, s := range c.Servers {
			if s != nil && s.JetStreamIsLeader() {
				return true
			}
		}
		return false
	})
}
