package bench

import (
	"cmp"
	"container/heap"
	"context"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"unsafe"
)

// DefaultImportMemory is how many bytes of parsed records an import holds
// (ImportOptions.Memory) before it sorts them by user and spills them to a
// temporary file. It is an estimate of the records' own size; the process
// needs about two and a half times as much at its peak (Go's collector lets
// the heap grow to twice what is live).
const DefaultImportMemory = 256 << 20

// rawUser gathers one user's parsed records in input order.
type rawUser struct {
	id      string
	records []Record
	lines   int      // JSONL lines that named the user
	empty   bool     // one of those lines held no record
	levels  []string // JobHop university levels recorded since the last spill
}

// merge appends what a later part of the input gave for the same user.
func (u *rawUser) merge(v *rawUser) {
	u.records = append(u.records, v.records...)
	u.lines += v.lines
	u.empty = u.empty || v.empty
}

// Estimated bytes held beside the strings: a user's map entry and rawUser,
// and a record in its slice.
const (
	userBytes   = 128
	recordBytes = int64(unsafe.Sizeof(Record{}))
)

// grouper gathers parsed records by user with an external sort: when the
// records it holds reach its memory limit, it writes them to a temporary
// file sorted by user id (a run) and starts afresh; each then merges the
// runs, so that every user's records come together, in input order, while
// memory holds one run's worth.
type grouper struct {
	ctx   context.Context // checked every cancelEvery additions
	dir   string          // for the runs
	limit int64
	size  int64 // estimated bytes held in users
	users map[string]*rawUser
	runs  []string // in input order
	adds  int
}

// cancelEvery is how often, in records, parsing checks for cancellation.
const cancelEvery = 4096

func newGrouper(ctx context.Context, dir string, limit int64) *grouper {
	return &grouper{ctx: ctx, dir: dir, limit: limit, users: map[string]*rawUser{}}
}

func (g *grouper) user(id string) *rawUser {
	u := g.users[id]
	if u == nil {
		u = &rawUser{id: id}
		g.users[id] = u
		g.size += userBytes + int64(len(id))
	}
	return u
}

// add appends a record to the user's.
func (g *grouper) add(id string, r Record) error {
	u := g.user(id)
	c := cap(u.records)
	u.records = append(u.records, r)
	g.size += int64(cap(u.records)-c)*recordBytes + textBytes(&r)
	return g.added()
}

// line notes a JSONL line that names the user; empty if it held no record.
func (g *grouper) line(id string, empty bool) error {
	u := g.user(id)
	u.lines++
	u.empty = u.empty || empty
	return g.added()
}

// textBytes estimates the text a record keeps alive. Codes, occupation
// titles and methods are the taxonomy's strings, shared, so not counted.
func textBytes(r *Record) int64 {
	return int64(len(r.School) + len(r.Degree) + len(r.Major) + len(r.Title) + len(r.Industry) + len(r.SourceCode))
}

func (g *grouper) added() error {
	g.adds++
	if g.adds%cancelEvery == 0 {
		if err := g.ctx.Err(); err != nil {
			return err
		}
	}
	if g.size < g.limit {
		return nil
	}
	return g.spill()
}

// spill writes the users held to a new run, sorted by id.
func (g *grouper) spill() error {
	w, err := createSpill(g.dir, "run-*")
	if err != nil {
		return err
	}
	defer w.abort()
	for _, id := range slices.Sorted(maps.Keys(g.users)) {
		if err := w.user(g.users[id]); err != nil {
			return err
		}
	}
	if err := w.close(); err != nil {
		return err
	}
	g.runs = append(g.runs, w.path)
	g.users, g.size = map[string]*rawUser{}, 0
	return nil
}

// userSource yields users in id order, each once; nil at the end.
type userSource interface {
	next() (*rawUser, error)
}

// memRun yields the users still held in memory, freeing each as it goes.
type memRun struct {
	ids   []string
	users map[string]*rawUser
}

func (m *memRun) next() (*rawUser, error) {
	if len(m.ids) == 0 {
		return nil, nil
	}
	u := m.users[m.ids[0]]
	delete(m.users, m.ids[0])
	m.ids = m.ids[1:]
	return u, nil
}

// each calls fn on every user in id order, with all of the user's records
// in input order, by merging the runs with the records still held. The
// grouper is spent afterwards.
func (g *grouper) each(fn func(*rawUser) error) error {
	if err := g.compact(); err != nil {
		return err
	}
	srcs, closeAll, err := openRuns(g.runs)
	if err != nil {
		return err
	}
	defer closeAll()
	srcs = append(srcs, &memRun{ids: slices.Sorted(maps.Keys(g.users)), users: g.users})
	g.users = nil
	return merge(g.ctx, srcs, fn)
}

// maxFanIn bounds the runs merged at once, and so the files open and their
// read buffers.
const maxFanIn = 64

// compact merges consecutive runs, maxFanIn at a time, until no more than
// maxFanIn are left; merging neighbours keeps the runs in input order.
func (g *grouper) compact() error {
	for len(g.runs) > maxFanIn {
		var next []string
		for lo := 0; lo < len(g.runs); lo += maxFanIn {
			group := g.runs[lo:min(lo+maxFanIn, len(g.runs))]
			if len(group) == 1 {
				next = append(next, group[0])
				continue
			}
			path, err := g.mergeRuns(group)
			if err != nil {
				return err
			}
			next = append(next, path)
		}
		g.runs = next
	}
	return nil
}

// mergeRuns merges runs into a new one and removes them.
func (g *grouper) mergeRuns(paths []string) (string, error) {
	srcs, closeAll, err := openRuns(paths)
	if err != nil {
		return "", err
	}
	defer closeAll()
	w, err := createSpill(g.dir, "run-*")
	if err != nil {
		return "", err
	}
	defer w.abort()
	if err := merge(g.ctx, srcs, w.user); err != nil {
		return "", err
	}
	if err := w.close(); err != nil {
		return "", err
	}
	for _, p := range paths {
		os.Remove(p) // the import's temporary directory goes anyway
	}
	return w.path, nil
}

// openRuns opens run files as sources; closeAll closes those opened.
func openRuns(paths []string) (srcs []userSource, closeAll func(), err error) {
	var rs []*spillReader
	closeAll = func() {
		for _, r := range rs {
			r.close()
		}
	}
	for _, p := range paths {
		r, err := openSpill(p)
		if err != nil {
			closeAll()
			return nil, func() {}, err
		}
		rs = append(rs, r)
		srcs = append(srcs, r)
	}
	return srcs, closeAll, nil
}

// merge calls fn on every user of the sources in id order, the parts of a
// user that several sources hold merged in source order.
func merge(ctx context.Context, srcs []userSource, fn func(*rawUser) error) error {
	// Least user id first, then least source, which is input order.
	h := &sliceHeap[cursor]{cmp: func(a, b cursor) int {
		return cmp.Or(strings.Compare(a.u.id, b.u.id), cmp.Compare(a.src, b.src))
	}}
	for i, s := range srcs {
		u, err := s.next()
		if err != nil {
			return err
		}
		if u != nil {
			h.items = append(h.items, cursor{u, i})
		}
	}
	heap.Init(h)
	for h.Len() > 0 {
		u, err := popUser(h, srcs)
		if err != nil {
			return err
		}
		// The same user in later sources: the heap orders them by source.
		for h.Len() > 0 && h.items[0].u.id == u.id {
			v, err := popUser(h, srcs)
			if err != nil {
				return err
			}
			u.merge(v)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := fn(u); err != nil {
			return err
		}
	}
	return nil
}

// cursor is a source's current user.
type cursor struct {
	u   *rawUser
	src int
}

// popUser takes the least user and moves its source on to the next.
func popUser(h *sliceHeap[cursor], srcs []userSource) (*rawUser, error) {
	top := &h.items[0]
	u := top.u
	next, err := srcs[top.src].next()
	if err != nil {
		return nil, err
	}
	if next == nil {
		heap.Pop(h)
		return u, nil
	}
	if next.id <= u.id {
		return nil, fmt.Errorf("import: temporary file out of order: user %q after %q", next.id, u.id)
	}
	top.u = next
	heap.Fix(h, 0)
	return u, nil
}
