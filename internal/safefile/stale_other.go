//go:build !unix

package safefile

import "os"

// hold takes no lock where flock is not available.
func hold(*os.File) bool { return true }

// removeStale does nothing where flock is not available: a temporary a
// killed writer left stays until removed by hand.
func removeStale(string) {}

// renameClose closes the temporary f, then renames it to path: some
// systems cannot rename an open file.
func renameClose(f *os.File, path string) error {
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
