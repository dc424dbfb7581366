// Package viewer writes a run as one static HTML page a person can click
// through: the protocol and manifest, Table 2 with sortable columns, the
// McNemar matrix whose cells list their users, a filtered user list and a
// page per user with the history, every system's answer, ranking, reason,
// raw output, tokens and the judge's verdicts, and the report's charts.
//
// The page needs no server and no network: its script, styles and data are
// inside it, so it works from file://, a CI artifact or any static host.
// The data goes in as gzip-compressed, base64-encoded JSON: a small index
// of every user that the list and its filters read at once, and the user
// details in chunks that the browser decompresses only when a user in the
// chunk is opened, so a 100,000-user run still opens quickly.
//
// It reads a report built by package reports and the run's prediction and
// judge records; the same run gives the same bytes.
package viewer
