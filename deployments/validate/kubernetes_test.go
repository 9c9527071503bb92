package validate

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	k8syaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"

	"vigie/services/vigie/config"
)

var kubeDir = filepath.Join(deploymentsDir, "kubernetes")

// kubeObjects is every object of the manifests, decoded strictly.
type kubeObjects struct {
	namespaces   []corev1.Namespace
	configMaps   map[string]corev1.ConfigMap
	deployments  map[string]appsv1.Deployment
	statefulSets map[string]appsv1.StatefulSet
	services     map[string]corev1.Service
	pdbs         map[string]policyv1.PodDisruptionBudget
	netpols      map[string]networkingv1.NetworkPolicy
	files        []string
}

// manifests lists the manifest files: every .yaml but the Helm values and
// the kustomization.
func manifests(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(kubeDir, "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range files {
		if b := filepath.Base(f); b != "nats-values.yaml" && b != "kustomization.yaml" {
			out = append(out, f)
		}
	}
	return out
}

// strict decodes one document into v, failing on unknown or duplicate fields.
func strict(t *testing.T, where string, doc []byte, v any) {
	t.Helper()
	if err := yaml.UnmarshalStrict(doc, v); err != nil {
		t.Fatalf("%s: strict decoding: %v", where, err)
	}
}

func loadKube(t *testing.T) kubeObjects {
	t.Helper()
	ko := kubeObjects{
		configMaps: map[string]corev1.ConfigMap{}, deployments: map[string]appsv1.Deployment{},
		statefulSets: map[string]appsv1.StatefulSet{}, services: map[string]corev1.Service{}, pdbs: map[string]policyv1.PodDisruptionBudget{},
		netpols: map[string]networkingv1.NetworkPolicy{},
	}
	ko.files = manifests(t)
	if len(ko.files) == 0 {
		t.Fatal("no Kubernetes manifest")
	}
	for _, f := range ko.files {
		r := k8syaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(readFile(t, f))))
		for i := 0; ; i++ {
			doc, err := r.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			if len(bytes.TrimSpace(doc)) == 0 {
				continue
			}
			where := f + " document " + strconv.Itoa(i+1)
			var tm metav1.TypeMeta
			if err := yaml.Unmarshal(doc, &tm); err != nil {
				t.Fatalf("%s: %v", where, err)
			}
			switch tm.APIVersion + " " + tm.Kind {
			case "v1 Namespace":
				var o corev1.Namespace
				strict(t, where, doc, &o)
				ko.namespaces = append(ko.namespaces, o)
			case "v1 ConfigMap":
				var o corev1.ConfigMap
				strict(t, where, doc, &o)
				ko.configMaps[o.Name] = o
			case "apps/v1 Deployment":
				var o appsv1.Deployment
				strict(t, where, doc, &o)
				ko.deployments[o.Name] = o
			case "apps/v1 StatefulSet":
				var o appsv1.StatefulSet
				strict(t, where, doc, &o)
				ko.statefulSets[o.Name] = o
			case "v1 Service":
				var o corev1.Service
				strict(t, where, doc, &o)
				ko.services[o.Name] = o
			case "policy/v1 PodDisruptionBudget":
				var o policyv1.PodDisruptionBudget
				strict(t, where, doc, &o)
				ko.pdbs[o.Name] = o
			case "networking.k8s.io/v1 NetworkPolicy":
				var o networkingv1.NetworkPolicy
				strict(t, where, doc, &o)
				ko.netpols[o.Name] = o
			default:
				t.Fatalf("%s: kind %q of %q is not checked by this test", where, tm.Kind, tm.APIVersion)
			}
		}
	}
	return ko
}

func selectorOf(t *testing.T, where string, ls *metav1.LabelSelector) labels.Selector {
	t.Helper()
	if ls == nil {
		t.Fatalf("%s: no selector", where)
	}
	s, err := metav1.LabelSelectorAsSelector(ls)
	if err != nil {
		t.Fatalf("%s: selector: %v", where, err)
	}
	if s.Empty() {
		t.Fatalf("%s: empty selector selects everything", where)
	}
	return s
}

func TestKubernetes(t *testing.T) {
	t.Parallel()
	ko := loadKube(t)
	httpPort := defaultHTTPPort(t)
	p := loadCompose(t)
	ops := string(readFile(t, filepath.Join(repoRoot, "docs", "operations.md")))

	t.Run("namespace", func(t *testing.T) {
		if len(ko.namespaces) != 1 || ko.namespaces[0].Name != "vigie" {
			t.Fatalf("want one Namespace vigie, have %d", len(ko.namespaces))
		}
		for name, d := range ko.deployments {
			if d.Namespace != "vigie" {
				t.Errorf("Deployment %s in namespace %q", name, d.Namespace)
			}
		}
	})

	env, ok := ko.configMaps["vigie-env"]
	if !ok {
		t.Fatal("no ConfigMap vigie-env")
	}
	t.Run("environment", func(t *testing.T) {
		for k := range env.Data {
			checkEnv(t, "ConfigMap vigie-env", k)
			if !strings.HasPrefix(k, "VIGIE_") {
				t.Errorf("ConfigMap vigie-env: %s is not a Vigie variable", k)
			}
		}
		if got := portOf(t, env.Data["VIGIE_HTTP_ADDR"]); got != httpPort || !strings.HasPrefix(env.Data["VIGIE_HTTP_ADDR"], "0.0.0.0:") {
			t.Errorf("VIGIE_HTTP_ADDR %q, want 0.0.0.0:%s", env.Data["VIGIE_HTTP_ADDR"], httpPort)
		}
		if env.Data["VIGIE_NATS_REPLICAS"] != "3" || env.Data["VIGIE_INDEX_BACKEND"] != "meilisearch" {
			t.Error("want VIGIE_NATS_REPLICAS=3 and VIGIE_INDEX_BACKEND=meilisearch")
		}
		u, err := url.Parse(env.Data["VIGIE_NATS_URL"])
		if err != nil || u.Scheme != "nats" || u.Port() != "4222" || u.Hostname() != "nats" {
			t.Errorf("VIGIE_NATS_URL %q, want nats://nats:4222 (the client Service of Helm release nats)", env.Data["VIGIE_NATS_URL"])
		}
		if !strings.Contains(ops, "helm install nats ") {
			t.Error("docs/operations.md does not install the Helm release named nats that VIGIE_NATS_URL names")
		}
		u, err = url.Parse(env.Data["VIGIE_MEILI_URL"])
		if err != nil {
			t.Fatal(err)
		}
		svc, ok := ko.services[u.Hostname()]
		if !ok || !slices.ContainsFunc(svc.Spec.Ports, func(p corev1.ServicePort) bool { return strconv.Itoa(int(p.Port)) == u.Port() }) {
			t.Errorf("VIGIE_MEILI_URL %q names no Service port", env.Data["VIGIE_MEILI_URL"])
		}
	})

	t.Run("meilisearch", func(t *testing.T) {
		ss, ok := ko.statefulSets["meilisearch"]
		if !ok {
			t.Fatal("no StatefulSet meilisearch")
		}
		c := ss.Spec.Template.Spec.Containers[0]
		if c.Image != p.Services["meilisearch"].Image {
			t.Errorf("meilisearch image %q, compose runs %q", c.Image, p.Services["meilisearch"].Image)
		}
		key := slices.IndexFunc(c.Env, func(e corev1.EnvVar) bool { return e.Name == "MEILI_MASTER_KEY" })
		if key < 0 || c.Env[key].Value != "" || c.Env[key].ValueFrom == nil || c.Env[key].ValueFrom.SecretKeyRef == nil {
			t.Error("MEILI_MASTER_KEY must come from a Secret")
		} else if ref := c.Env[key].ValueFrom.SecretKeyRef; !strings.Contains(ops, ref.Name) || !strings.Contains(ops, ref.Key+"=") {
			t.Errorf("docs/operations.md does not show how to create Secret %s key %s", ref.Name, ref.Key)
		}
		if len(ss.Spec.VolumeClaimTemplates) == 0 {
			t.Error("meilisearch data is not on a PersistentVolumeClaim")
		}
		if c.LivenessProbe == nil || c.ReadinessProbe == nil {
			t.Error("meilisearch needs liveness and readiness probes")
		}

		// Only the pods that open the index may connect to it.
		np, ok := ko.netpols["meilisearch"]
		if !ok {
			t.Fatal("no NetworkPolicy meilisearch")
		}
		if !selectorOf(t, "NetworkPolicy meilisearch", &np.Spec.PodSelector).Matches(labels.Set(ss.Spec.Template.Labels)) {
			t.Error("NetworkPolicy meilisearch does not select the Meilisearch pods")
		}
		if len(np.Spec.Ingress) == 0 {
			t.Fatal("NetworkPolicy meilisearch allows no ingress: the indexer could not connect")
		}
		for _, name := range services {
			pod := labels.Set(ko.deployments["vigie-"+name].Spec.Template.Labels)
			allowed := false
			for _, rule := range np.Spec.Ingress {
				for _, from := range rule.From {
					if from.PodSelector != nil && from.NamespaceSelector == nil && from.IPBlock == nil &&
						selectorOf(t, "NetworkPolicy meilisearch peer", from.PodSelector).Matches(pod) {
						allowed = true
					}
				}
				if len(rule.From) == 0 {
					allowed = true
				}
			}
			if allowed != slices.Contains(indexUsers, name) {
				t.Errorf("NetworkPolicy meilisearch lets vigie-%s connect = %v; want only %v", name, allowed, indexUsers)
			}
		}
	})

	for _, name := range services {
		t.Run(name, func(t *testing.T) {
			d, ok := ko.deployments["vigie-"+name]
			if !ok {
				t.Fatalf("no Deployment vigie-%s", name)
			}
			where := "Deployment " + d.Name
			sel := selectorOf(t, where, d.Spec.Selector)
			pod := labels.Set(d.Spec.Template.Labels)
			if !sel.Matches(pod) {
				t.Fatalf("%s: selector %s does not match its pod labels %v", where, sel, pod)
			}
			if pod["app.kubernetes.io/component"] != name {
				t.Errorf("%s: component label %q, want %s", where, pod["app.kubernetes.io/component"], name)
			}
			spec := d.Spec.Template.Spec
			if spec.Hostname != "" {
				t.Errorf("%s: hostname %q: every pod needs its own (the ingester's lease owner is hostname + data folder)", where, spec.Hostname)
			}
			if a := d.Spec.Template.Annotations; a["prometheus.io/path"] != "/metrics" || a["prometheus.io/port"] != httpPort {
				t.Errorf("%s: scraped on %s:%s, want /metrics on %s", where, a["prometheus.io/path"], a["prometheus.io/port"], httpPort)
			}
			if len(spec.Containers) != 1 {
				t.Fatalf("%s: %d containers, want 1", where, len(spec.Containers))
			}
			c := spec.Containers[0]
			if c.Image != p.Services[name].Image {
				t.Errorf("%s: image %q, compose builds %q", where, c.Image, p.Services[name].Image)
			}
			va := parseVigieArgs(t, where, c.Args)
			if va.command != "serve" || va.flags["only"] != name {
				t.Errorf("%s: args %q, want serve --only %s", where, c.Args, name)
			}
			if cfg := va.flags["config"]; cfg != "" {
				checkConfigMount(t, where, ko, spec, c, cfg)
			}
			if len(c.Command) > 0 {
				t.Errorf("%s: command %q overrides the image's ENTRYPOINT", where, c.Command)
			}
			if !slices.ContainsFunc(c.EnvFrom, func(e corev1.EnvFromSource) bool { return e.ConfigMapRef != nil && e.ConfigMapRef.Name == env.Name }) {
				t.Errorf("%s: does not take its environment from ConfigMap %s", where, env.Name)
			}
			for _, e := range c.Env {
				checkEnv(t, where, e.Name)
			}

			// Ports and probes agree with the code and the Service.
			pi := slices.IndexFunc(c.Ports, func(p corev1.ContainerPort) bool { return p.Name == "http" })
			if pi < 0 || strconv.Itoa(int(c.Ports[pi].ContainerPort)) != httpPort {
				t.Fatalf("%s: want container port http = %s", where, httpPort)
			}
			probe := func(kind string, pr *corev1.Probe, path string) {
				if pr == nil || pr.HTTPGet == nil {
					t.Errorf("%s: no %s probe", where, kind)
					return
				}
				if pr.HTTPGet.Path != path || pr.HTTPGet.Port.String() != "http" {
					t.Errorf("%s: %s probe on %s port %s, want %s on port http", where, kind, pr.HTTPGet.Path, pr.HTTPGet.Port.String(), path)
				}
			}
			probe("liveness", c.LivenessProbe, "/healthz")
			probe("readiness", c.ReadinessProbe, "/readyz")
			if c.StartupProbe != nil {
				probe("startup", c.StartupProbe, "/healthz")
			}

			req := c.Resources.Requests
			if req.Cpu().IsZero() || req.Memory().IsZero() {
				t.Errorf("%s: resource requests %v, want cpu and memory", where, req)
			}
			if lim := c.Resources.Limits.Memory(); lim.IsZero() || lim.Cmp(*req.Memory()) < 0 {
				t.Errorf("%s: memory limit %v below request %v", where, lim, req.Memory())
			}

			// Non-root, read-only, nothing to escalate.
			psc, sc := spec.SecurityContext, c.SecurityContext
			if psc == nil || psc.RunAsNonRoot == nil || !*psc.RunAsNonRoot || psc.RunAsUser == nil || *psc.RunAsUser == 0 {
				t.Errorf("%s: want runAsNonRoot with a non-zero runAsUser", where)
			}
			if sc == nil || sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem || sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation ||
				sc.Capabilities == nil || !slices.Contains(sc.Capabilities.Drop, "ALL") {
				t.Errorf("%s: want readOnlyRootFilesystem, no privilege escalation and every capability dropped", where)
			}
			if spec.TerminationGracePeriodSeconds == nil || *spec.TerminationGracePeriodSeconds <= 20 {
				t.Errorf("%s: terminationGracePeriodSeconds must exceed shutdown.timeout (20s)", where)
			}

			// Every file the configuration points at is mounted: data on a
			// writable volume, *_FILE secrets from a Secret with that key.
			mounts := map[string]corev1.VolumeMount{}
			for _, m := range c.VolumeMounts {
				mounts[m.MountPath] = m
			}
			volumes := map[string]corev1.Volume{}
			for _, v := range spec.Volumes {
				volumes[v.Name] = v
			}
			for _, m := range mounts {
				if _, ok := volumes[m.Name]; !ok {
					t.Errorf("%s: mount %s names no volume %s", where, m.MountPath, m.Name)
				}
			}
			if m, ok := mounts[env.Data["VIGIE_DATA"]]; !ok || m.ReadOnly {
				t.Errorf("%s: VIGIE_DATA %s is not a writable mount (the root file system is read-only)", where, env.Data["VIGIE_DATA"])
			}
			podEnv := map[string]string{}
			for k, v := range env.Data {
				podEnv[k] = v
			}
			for _, e := range c.Env {
				if e.ValueFrom != nil {
					t.Errorf("%s: %s comes from valueFrom; secrets reach Vigie as files (*_FILE keys)", where, e.Name)
				}
				podEnv[e.Name] = e.Value
			}
			if _, ok := podEnv["VIGIE_MEILI_KEY_FILE"]; ok != slices.Contains(indexUsers, name) {
				t.Errorf("%s: VIGIE_MEILI_KEY_FILE set = %v; only %v open the index and get the key", where, ok, indexUsers)
			}
			for _, v := range spec.Volumes {
				if v.Secret != nil && v.Secret.SecretName == "vigie-meili" && !slices.Contains(indexUsers, name) {
					t.Errorf("%s: mounts Secret vigie-meili; only %v open the index", where, indexUsers)
				}
			}
			for k, file := range podEnv {
				if !strings.HasSuffix(k, "_FILE") {
					continue
				}
				m, ok := mounts[path.Dir(file)]
				if !ok {
					t.Errorf("%s: %s=%s is in no mounted folder", where, k, file)
					continue
				}
				v := volumes[m.Name]
				if v.Secret == nil || !slices.ContainsFunc(v.Secret.Items, func(it corev1.KeyToPath) bool { return it.Path == path.Base(file) }) {
					t.Errorf("%s: %s=%s is not a key of a mounted Secret", where, k, file)
					continue
				}
				for _, it := range v.Secret.Items {
					if !strings.Contains(ops, v.Secret.SecretName) || !strings.Contains(ops, it.Key+"=") {
						t.Errorf("docs/operations.md does not show how to create Secret %s key %s", v.Secret.SecretName, it.Key)
					}
				}
			}

			// The Service and the PodDisruptionBudget select these pods.
			svc, ok := ko.services[d.Name]
			if !ok {
				t.Fatalf("no Service %s", d.Name)
			}
			if !labels.SelectorFromSet(svc.Spec.Selector).Matches(pod) || len(svc.Spec.Selector) == 0 {
				t.Errorf("Service %s selector %v does not match the pods", svc.Name, svc.Spec.Selector)
			}
			if len(svc.Spec.Ports) != 1 || svc.Spec.Ports[0].TargetPort.String() != "http" || strconv.Itoa(int(svc.Spec.Ports[0].Port)) != httpPort {
				t.Errorf("Service %s ports %+v, want %s -> http", svc.Name, svc.Spec.Ports, httpPort)
			}
			pdb, ok := ko.pdbs[d.Name]
			if !ok {
				t.Fatalf("no PodDisruptionBudget %s", d.Name)
			}
			if !selectorOf(t, "PodDisruptionBudget "+pdb.Name, pdb.Spec.Selector).Matches(pod) {
				t.Errorf("PodDisruptionBudget %s does not select the pods", pdb.Name)
			}
			replicas := int32(1)
			if d.Spec.Replicas != nil {
				replicas = *d.Spec.Replicas
			}
			if mi := pdb.Spec.MinAvailable; mi != nil && mi.IntValue() >= int(replicas) {
				t.Errorf("PodDisruptionBudget %s minAvailable %s with %d replicas blocks every node drain", pdb.Name, mi, replicas)
			}
			if pdb.Spec.MinAvailable == nil && pdb.Spec.MaxUnavailable == nil {
				t.Errorf("PodDisruptionBudget %s sets neither minAvailable nor maxUnavailable", pdb.Name)
			}
		})
	}

	t.Run("nothing unexpected", func(t *testing.T) {
		for name := range ko.deployments {
			if c, ok := strings.CutPrefix(name, "vigie-"); !ok || !slices.Contains(services, c) {
				t.Errorf("Deployment %s is not a Vigie service", name)
			}
		}
	})
}

// TestKustomization checks that kustomization.yaml lists every manifest.
// Kustomize's own types are not a dependency: its fields are decoded
// strictly into the subset this file uses.
func TestKustomization(t *testing.T) {
	t.Parallel()
	var k struct {
		APIVersion string   `json:"apiVersion"`
		Kind       string   `json:"kind"`
		Namespace  string   `json:"namespace"`
		Resources  []string `json:"resources"`
		Images     []struct {
			Name    string `json:"name"`
			NewName string `json:"newName,omitempty"`
			NewTag  string `json:"newTag,omitempty"`
		} `json:"images"`
	}
	strict(t, "kustomization.yaml", readFile(t, filepath.Join(kubeDir, "kustomization.yaml")), &k)
	if k.APIVersion != "kustomize.config.k8s.io/v1beta1" || k.Kind != "Kustomization" || k.Namespace != "vigie" {
		t.Errorf("kustomization %s %s namespace %q", k.APIVersion, k.Kind, k.Namespace)
	}
	var want []string
	for _, f := range manifests(t) {
		want = append(want, filepath.Base(f))
	}
	got := slices.Clone(k.Resources)
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("kustomization resources %v, want every manifest %v", got, want)
	}
	for _, r := range k.Resources {
		if _, err := os.Stat(filepath.Join(kubeDir, r)); err != nil {
			t.Errorf("resource %s: %v", r, err)
		}
	}
	for _, img := range k.Images {
		if img.Name != "vigie" {
			t.Errorf("image override %q names no image of the manifests", img.Name)
		}
	}
}

// checkConfigMount checks that --config FILE comes from a ConfigMap key that
// the configuration loader accepts.
func checkConfigMount(t *testing.T, where string, ko kubeObjects, spec corev1.PodSpec, c corev1.Container, file string) {
	t.Helper()
	mi := slices.IndexFunc(c.VolumeMounts, func(m corev1.VolumeMount) bool { return path.Dir(file) == m.MountPath })
	if mi < 0 {
		t.Errorf("%s: --config %s is not in a mounted volume", where, file)
		return
	}
	vi := slices.IndexFunc(spec.Volumes, func(v corev1.Volume) bool { return v.Name == c.VolumeMounts[mi].Name })
	if vi < 0 || spec.Volumes[vi].ConfigMap == nil {
		t.Errorf("%s: --config %s is not from a ConfigMap", where, file)
		return
	}
	cm, ok := ko.configMaps[spec.Volumes[vi].ConfigMap.Name]
	if !ok {
		t.Errorf("%s: ConfigMap %s is not in the manifests", where, spec.Volumes[vi].ConfigMap.Name)
		return
	}
	data, ok := cm.Data[path.Base(file)]
	if !ok {
		t.Errorf("%s: ConfigMap %s has no key %s", where, cm.Name, path.Base(file))
		return
	}
	tmp := filepath.Join(t.TempDir(), path.Base(file))
	if err := os.WriteFile(tmp, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := config.Load(tmp, func(string) (string, bool) { return "", false }); err != nil {
		t.Errorf("%s: ConfigMap %s key %s does not load: %v", where, cm.Name, path.Base(file), err)
	}
}
