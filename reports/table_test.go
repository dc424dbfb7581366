package reports

import (
	"bytes"
	"strings"
	"testing"
)

// TestTablesGolden pins every table in every format.
func TestTablesGolden(t *testing.T) {
	rep := fixtureReport(t, Options{})
	for _, f := range Formats {
		t.Run(string(f.Format), func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteTables(&buf, f.Format, rep.Tables()); err != nil {
				t.Fatal(err)
			}
			golden(t, "tables."+f.Ext, buf.Bytes())
		})
	}
}

// TestTable2Options pins Table 2 with a chosen reference, Holm, and no
// paper columns.
func TestTable2Options(t *testing.T) {
	rep := fixtureReport(t, Options{Reference: "sasrec", Significance: Significance{Correction: Holm, Alpha: 0.01}, NoPaper: true})
	var buf bytes.Buffer
	if err := WriteTable(&buf, Text, rep.Table2); err != nil {
		t.Fatal(err)
	}
	golden(t, "table2_ref_holm.txt", buf.Bytes())
}

func TestEscaping(t *testing.T) {
	cases := []struct{ in, md, tex string }{
		{"a|b", `a\|b`, `a\textbar{}b`},
		{"x_1 & 50% $5 #2", `x\_1 & 50% $5 #2`, `x\_1 \& 50\% \$5 \#2`},
		{`\{~^}`, `\\{~^}`, `\textbackslash{}\{\textasciitilde{}\textasciicircum{}\}`},
		{"<b>*em*</b>", `&lt;b&gt;\*em\*&lt;/b&gt;`, `\textless{}b\textgreater{}*em*\textless{}/b\textgreater{}`},
		{"—†±", "—†±", `---\textsuperscript{\dag}$\pm$`},
		{"two\nlines", "two lines", "two lines"},
	}
	for _, c := range cases {
		if got := mdEscape(c.in); got != c.md {
			t.Errorf("mdEscape(%q) = %q, want %q", c.in, got, c.md)
		}
		if got := texEscape(c.in); got != c.tex {
			t.Errorf("texEscape(%q) = %q, want %q", c.in, got, c.tex)
		}
	}
}

func TestFormatNumbers(t *testing.T) {
	nan := func() float64 { var z float64; return z / z }()
	cases := []struct{ got, want string }{
		{pct(0.2530), "25.30"}, {pct(nan), Dash}, {signedPts(0.0125), "+1.25"}, {signedPts(-0.00001), "0.00"},
		{signedPts(-0.02), "-2.00"}, {pval(0.0123456), "0.0123"}, {pval(0.00012), "1.2e-04"}, {pval(0), "0.0000"},
		{pval(1), "1.0000"}, {count(1234567), "1,234,567"}, {fixed(-0.0001, 2), "0.00"}, {signed(0.5, 2), "+0.50"},
		{ms(2500), "2500"}, {ms(1.25), "1.2"}, {ms(0.4), "0.400"}, {ms(0.00012), "0.00012"}, {ms(0), "0"},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func TestWrap(t *testing.T) {
	got := wrap(strings.Repeat("word ", 30), 20)
	for _, l := range got {
		if len(l) > 20 {
			t.Errorf("line %q longer than 20", l)
		}
	}
	if len(got) < 2 || !strings.HasPrefix(got[1], "  word") {
		t.Errorf("wrap = %q", got)
	}
}
