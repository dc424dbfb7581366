package rundir

import "path/filepath"

// The layout of a run directory.
const (
	ManifestFile = "manifest.json"
	ScoresFile   = "scores.json"
	PredDir      = "predictions"
	ModelDir     = "models"
)

// PredictionsPath is where a runner's predictions go in a run directory.
func PredictionsPath(dir, runner string) string {
	return filepath.Join(dir, PredDir, runner+".jsonl")
}
