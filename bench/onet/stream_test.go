package onet

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

// Output line k answers input line k, across batches and repeated texts.
func TestClassifyStreamOrder(t *testing.T) {
	tx := Default()
	var in strings.Builder
	n := streamBatch + 7
	for i := range n {
		in.WriteString([]string{"Registered Nurse\n", "Cashier - Walmart\n", "\n", "Software Engineer\n"}[i%4])
	}
	var out bytes.Buffer
	got, err := tx.ClassifyStream(context.Background(), strings.NewReader(in.String()), "in", &out, StreamOptions{})
	if err != nil || got != n {
		t.Fatalf("classified %d, err %v; want %d", got, err, n)
	}
	want := []string{"29-1141.00", "41-2011.00", "", "15-1252.00"}
	sc := bufio.NewScanner(&out)
	i := 0
	for sc.Scan() {
		var r StreamResult
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		if r.Code != want[i%4] {
			t.Fatalf("line %d: %q → %q, want %q", i+1, r.Text, r.Code, want[i%4])
		}
		i++
	}
	if i != n {
		t.Errorf("%d output lines, want %d", i, n)
	}
}

func FuzzClassifyStream(f *testing.F) {
	f.Add("RN\nLPN\n")
	f.Add("{\"text\": \"RN\"}\n\n{\"text\": \"\"}\n")
	f.Add("\ufeff{\"text\": 1}\n")
	f.Add("a\r\nb\r\n")
	tx := Default()
	f.Fuzz(func(t *testing.T, in string) {
		var out bytes.Buffer
		n, err := tx.ClassifyStream(context.Background(), strings.NewReader(in), "in", &out, StreamOptions{})
		if err != nil {
			return
		}
		if lines := strings.Count(out.String(), "\n"); lines != n {
			t.Fatalf("%d texts, %d output lines", n, lines)
		}
	})
}
