package metrics

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/hindsight-sre/hindsight/generator/diag"
)

// Deployments is the deployment data read from a CSV file.
type Deployments struct {
	Path string // the file, as shown in messages
	Rows []Deployment
}

// Deployment is one row of the deployments file.
type Deployment struct {
	At      time.Time // a date alone is midnight at the start of that day in the site's zone
	Service string    // "" when the row names no service: counted for the organisation only
	Count   int
	Line    int
}

// Count returns the number of deployments in period, of service when it is
// not "" (every row when it is), and false when there is no deployment data
// (d is nil).
func (d *Deployments) Count(period Period, service string) (int, bool) {
	if d == nil {
		return 0, false
	}
	n := 0
	for _, r := range d.Rows {
		if period.Contains(r.At) && (service == "" || r.Service == service) {
			n += r.Count
		}
	}
	return n, true
}

// LoadDeployments reads the deployments file at path; see ParseDeployments.
func LoadDeployments(path string, loc *time.Location) (*Deployments, diag.List) {
	data, err := os.ReadFile(path)
	if err != nil {
		var diags diag.List
		if errors.Is(err, fs.ErrNotExist) {
			diags.Errorf(path, 0, "deployments file does not exist; check the path given with --deployments or in the config")
		} else {
			diags.Errorf(path, 0, "cannot read the deployments file: %v", err)
		}
		return nil, diags
	}
	return ParseDeployments(path, data, loc)
}

// ParseDeployments reads deployment data in CSV: a header line naming the
// columns date, service and count (in any order, any case; other columns are
// ignored), then one row per day and service. A date is 2006-01-02, read in
// loc, or an RFC 3339 time; count is a whole number, 0 or more. Lines
// starting with # are comments. Rows of the same day and service add up. Each
// bad row is reported at its line; with any error, the result is nil.
func ParseDeployments(path string, data []byte, loc *time.Location) (*Deployments, diag.List) {
	var diags diag.List
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\uFEFF"))))
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	r.Comment = '#'
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		diags.Errorf(path, 1, "the deployments file is empty; its first line must be the header date,service,count")
		return nil, diags
	}
	if err != nil {
		diags.Errorf(path, csvLine(err), "%s", csvMessage(err))
		return nil, diags
	}
	hl, _ := r.FieldPos(0)
	col := map[string]int{"date": -1, "service": -1, "count": -1}
	for i, name := range header {
		name = strings.ToLower(strings.TrimSpace(name))
		if j, ok := col[name]; ok && j < 0 {
			col[name] = i
		}
	}
	if col["date"] < 0 || col["service"] < 0 || col["count"] < 0 {
		if _, ok := parseDate(strings.TrimSpace(header[0]), loc); ok {
			diags.Errorf(path, hl, "no header line; the first line must be date,service,count")
		} else {
			diags.Errorf(path, hl, "the header must name the columns date, service and count; it has %q", strings.Join(header, ","))
		}
		return nil, diags
	}
	width := max(col["date"], col["service"], col["count"]) + 1
	d := &Deployments{Path: path}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			diags.Errorf(path, csvLine(err), "%s", csvMessage(err))
			if _, ok := errors.AsType[*csv.ParseError](err); !ok {
				break
			}
			continue
		}
		line, _ := r.FieldPos(0)
		if len(rec) < width {
			diags.Errorf(path, line, "%d fields, want %d (date,service,count)", len(rec), width)
			continue
		}
		row := Deployment{Service: strings.TrimSpace(rec[col["service"]]), Line: line}
		date := strings.TrimSpace(rec[col["date"]])
		at, ok := parseDate(date, loc)
		if !ok {
			diags.Errorf(path, line, "date %q is not a date; write 2025-03-14 or an RFC 3339 time like 2025-03-14T09:12:00+01:00", date)
		}
		count := strings.TrimSpace(rec[col["count"]])
		n, err := strconv.Atoi(count)
		if err != nil || n < 0 {
			diags.Errorf(path, line, "count %q is not a number of deployments; write a whole number, 0 or more", count)
		}
		row.At, row.Count = at, n
		d.Rows = append(d.Rows, row)
	}
	if diags.Errors() > 0 {
		return nil, diags
	}
	return d, diags
}

func parseDate(s string, loc *time.Location) (time.Time, bool) {
	if t, err := time.ParseInLocation(time.DateOnly, s, loc); err == nil {
		return t, true
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.In(loc), true
	}
	return time.Time{}, false
}

func csvLine(err error) int {
	if pe, ok := errors.AsType[*csv.ParseError](err); ok {
		return pe.Line
	}
	return 0
}

func csvMessage(err error) string {
	if pe, ok := errors.AsType[*csv.ParseError](err); ok {
		return "not valid CSV: " + pe.Err.Error()
	}
	return "cannot read the deployments file: " + err.Error()
}
