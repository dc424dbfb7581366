package viewer

import (
	"bufio"
	"embed"
	"fmt"
	"html"
	"io"
	"strings"
)

//go:embed assets/page.html assets/viewer.css assets/viewer.js
var assets embed.FS

type pageData struct {
	Title  string
	Meta   []byte   // JSON, with <, > and & escaped
	Index  []byte   // packed
	Chunks [][]byte // packed
}

// writePage fills assets/page.html: its {{title}}, {{style}}, {{data}} and
// {{script}} marks, each on a line of its own.
func writePage(w io.Writer, d pageData) error {
	page, err := assets.ReadFile("assets/page.html")
	if err != nil {
		return err
	}
	css, err := assets.ReadFile("assets/viewer.css")
	if err != nil {
		return err
	}
	js, err := assets.ReadFile("assets/viewer.js")
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	for line := range strings.Lines(string(page)) {
		switch strings.TrimSpace(line) {
		case "{{title}}":
			fmt.Fprintf(bw, "<title>%s</title>\n", html.EscapeString(d.Title))
		case "{{style}}":
			fmt.Fprintf(bw, "<style>\n%s</style>\n", css)
		case "{{data}}":
			fmt.Fprintf(bw, "<script type=\"application/json\" id=\"meta\">%s</script>\n", d.Meta)
			fmt.Fprintf(bw, "<script type=\"application/octet-stream\" id=\"index\">%s</script>\n", d.Index)
			for i, c := range d.Chunks {
				fmt.Fprintf(bw, "<script type=\"application/octet-stream\" id=\"chunk-%d\">%s</script>\n", i, c)
			}
		case "{{script}}":
			fmt.Fprintf(bw, "<script>\n%s</script>\n", js)
		default:
			bw.WriteString(line)
		}
	}
	return bw.Flush()
}
