// Package source is the registry of sources in the vigie_sources KV
// bucket: each source's definition (key "<id>.config") and its fetch state
// (key "<id>.state"). Fetch state is updated with compare-and-set on the
// key's revision, which is also how several ingester processes share the
// work without a leader: a process leases a due source before fetching it.
package source
